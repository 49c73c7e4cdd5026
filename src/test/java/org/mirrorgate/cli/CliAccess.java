package org.mirrorgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import picocli.CommandLine;

public final class CliAccess {
    private CliAccess() {}

    public static CommandLine commandLine() {
        return Main.commandLine();
    }

    /**
     * Runs one CLI command in process against the service on {@code 127.0.0.1:port}, asserts its exit
     * code, and returns what it printed (stdout and stderr together).
     */
    public static String run(int port, int exit, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cli = commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "--target=127.0.0.1:" + port;
        System.arraycopy(args, 1, all, 2, args.length - 1);
        assertThat(cli.execute(all)).as("exit code of %s: %s", String.join(" ", args), out).isEqualTo(exit);
        return out.toString();
    }
}
