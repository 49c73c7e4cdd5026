package org.mirrorgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mirrorgate}: runs the service ({@code serve}) and drives a running one over its admin API. */
// scope INHERIT: every subcommand gets --help and --version too (`mirror --help` was refused)
@Command(name = "mirrorgate", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Download redirector: decides which mirror serves each download; Nginx serves.",
        subcommands = {ServeCommand.class, CheckConfigCommand.class, ListCommand.class,
                AdminCommands.Mirror.class, AdminCommands.Explain.class, AdminCommands.Resolve.class,
                AdminCommands.Enable.class, AdminCommands.Disable.class, ScanCommand.class,
                AdminCommands.Logs.class, RefreshCommand.class, MirrorEditCommands.Add.class,
                MirrorEditCommands.Show.class, MirrorEditCommands.Edit.class, MirrorEditCommands.Remove.class,
                StatsCommands.class, ExportCommand.class, GeoUpdateCommand.class, ReloadCommand.class,
                ReplayCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true); // `--protocols http` for enum HTTP
        // A bad command line is one line naming what is wrong and where help is, not the whole usage
        // (which buries the error above a screen of options); --help prints the usage.
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("mirrorgate: " + e.getMessage() + " (see: " + cmd.getCommandSpec().qualifiedName()
                    + " --help)");
            cmd.getErr().flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // where: the service asked, for commands that ask one (a wrong --target is a usual cause)
            String where = cmd.getCommand() instanceof AdminCommands.Base b ? b.client.target + ": " : "";
            cmd.getErr().println("mirrorgate: " + where + Errors.describe(e));
            cmd.getErr().flush();
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
