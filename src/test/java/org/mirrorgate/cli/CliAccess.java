package org.mirrorgate.cli;

import picocli.CommandLine;

/** Lets tests in other packages run the real CLI in-process. */
public final class CliAccess {
    private CliAccess() {}

    public static CommandLine commandLine() {
        return Main.commandLine();
    }
}
