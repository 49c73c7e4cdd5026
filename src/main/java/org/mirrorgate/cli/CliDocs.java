package org.mirrorgate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes the bash completion script and the man page from the CLI's own picocli definitions
 * (deploy/build-deb.sh runs it on the built jar):
 * {@code java -cp mirrorgate.jar org.mirrorgate.cli.CliDocs DIR} writes DIR/mirrorgate.bash and
 * DIR/mirrorgate.1.
 */
public final class CliDocs {

    private CliDocs() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CliDocs DIR (writes DIR/mirrorgate.bash and DIR/mirrorgate.1)");
            System.exit(2);
        }
        write(Path.of(args[0]));
    }

    static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("mirrorgate.bash"), completion(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("mirrorgate.1"), manPage(), StandardCharsets.UTF_8);
    }

    static String completion() {
        return AutoComplete.bash("mirrorgate", Main.commandLine());
    }

    static String manPage() {
        CommandLine cli = Main.commandLine();
        return ManPage.troff(cli, new Main.Version().getVersion()[0]);
    }
}
