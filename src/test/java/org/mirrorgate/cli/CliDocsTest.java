package org.mirrorgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --help everywhere, and the completion script and man page written from the same definitions. */
class CliDocsTest {

    @TempDir
    Path dir;

    /** Every name (aliases too) the CLI answers to, so a command added later is covered here. */
    private static Map<String, CommandLine> subcommands() {
        return Main.commandLine().getSubcommands();
    }

    @Test
    void everySubcommandAnswersHelpWithItsUsageOnStdoutAndExitZero() {
        assertThat(subcommands()).containsKeys("list", "mirrors", "logs", "events", "scan", "mirror", "add", "edit",
                "export", "geoupdate");
        for (String name : subcommands().keySet()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            String canonical = cli.getSubcommands().get(name).getCommandName();
            assertThat(cli.execute(name, "--help")).as("%s --help: %s", name, err).isZero();
            assertThat(out.toString()).as(name).contains("Usage: mirrorgate " + canonical + " ");
            assertThat(err.toString()).as(name).isEmpty();
        }
    }

    @Test
    void theCompletionScriptCompletesEverySubcommandAndItsOptions() throws Exception {
        CliDocs.write(dir);
        String script = Files.readString(dir.resolve("mirrorgate.bash"));
        assertThat(script).contains("complete -F _complete_mirrorgate");
        for (String name : subcommands().keySet()) {
            assertThat(script).as(name).containsPattern("(commands|cmds)=.*\\b" + name + "\\b");
        }
        assertThat(script).contains("--down", "--disabled", "--country", "--json", "--if-version", "--protocols",
                "--enabled-only", "--dry-run");
        // bash itself accepts it
        Process bash = new ProcessBuilder("bash", "-n", dir.resolve("mirrorgate.bash").toString())
                .redirectErrorStream(true).start();
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as(new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }

    @Test
    void theManPageRendersWithoutWarningsAndHasASectionPerCommand() throws Exception {
        CliDocs.write(dir);
        ProcessBuilder pb = new ProcessBuilder("man", "--warnings", "-l", dir.resolve("mirrorgate.1").toString());
        pb.environment().put("MANWIDTH", "100");
        pb.environment().put("MANPAGER", "cat");
        pb.environment().put("PAGER", "cat");
        pb.redirectError(dir.resolve("man.err").toFile());
        pb.redirectOutput(dir.resolve("man.out").toFile());
        Process man = pb.start();
        assertThat(man.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(man.exitValue()).isZero();
        assertThat(Files.readString(dir.resolve("man.err"))).as("warnings of man/groff").isEmpty();
        String page = Files.readString(dir.resolve("man.out"));
        assertThat(page).contains("MIRRORGATE(1)", "NAME", "SYNOPSIS", "--target HOST:PORT");
        for (var e : subcommands().entrySet()) {
            assertThat(page).as(e.getKey()).containsPattern("(?m)^ +mirrorgate " + e.getValue().getCommandName() + "$");
        }
        assertThat(page).contains("Also: mirrors.", "Also: events.");
    }
}
