package org.mirrorgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mirrorgate}: runs the service ({@code serve}) and drives a running one over its admin API. */
@Command(name = "mirrorgate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Download redirector: decides which mirror serves each download; Nginx serves.",
        subcommands = {ServeCommand.class, CheckConfigCommand.class, AdminCommands.Mirrors.class,
                AdminCommands.Mirror.class, AdminCommands.Explain.class, AdminCommands.Resolve.class,
                AdminCommands.Enable.class, AdminCommands.Disable.class, AdminCommands.Scan.class,
                AdminCommands.Events.class, RefreshCommand.class, MirrorEditCommands.Add.class,
                MirrorEditCommands.Show.class, MirrorEditCommands.Edit.class, MirrorEditCommands.Remove.class,
                StatsCommands.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("mirrorgate: " + Errors.describe(e));
            return 1;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mirrorgate " + (v == null ? "(development build)" : v)};
        }
    }
}
