package org.mirrorgate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * mirrorgate(1) in troff (man macros), written from the picocli definitions the CLI runs on, so
 * the page cannot drift from the commands. Written here rather than with picocli-codegen's
 * generator: that one emits AsciiDoc, which needs Asciidoctor (Ruby, or AsciidoctorJ's tens of
 * megabytes) to become a man page; the troff of one page with a section per subcommand is this
 * small class.
 */
final class ManPage {

    private ManPage() {}

    static String troff(CommandLine root, String version) {
        CommandSpec spec = root.getCommandSpec();
        StringBuilder b = new StringBuilder();
        String name = spec.name();
        b.append(".TH ").append(name.toUpperCase(Locale.ROOT)).append(" 1 \"\" \"").append(escape(version))
                .append("\" \"User Commands\"\n");
        b.append(".SH NAME\n").append(name).append(" \\- ").append(escape(String.join(" ", spec.usageMessage()
                .description()))).append('\n');
        b.append(".SH SYNOPSIS\n.B ").append(name).append("\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n");
        b.append(".SH DESCRIPTION\nEach command answers \\fB\\-\\-help\\fR. Commands that ask a running service take"
                + " \\fB\\-\\-target\\fR host:port (default 127.0.0.1:7390) and, when the service has an"
                + " admin token, \\fB\\-\\-token\\-file\\fR. Read commands take \\fB\\-\\-json\\fR for scripts."
                + " Errors go to standard error with exit status 1 (2 for a wrong command line), and"
                + " nothing is printed to standard output then.\n");
        b.append(".SH OPTIONS\n");
        options(b, spec);
        b.append(".SH COMMANDS\n");
        for (var e : root.getSubcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (!e.getKey().equals(sub.name()) || sub.usageMessage().hidden()) {
                continue; // aliases are named in their command's section
            }
            b.append(".SS \"").append(escape(name + " " + sub.name())).append("\"\n");
            if (sub.aliases().length > 0) {
                b.append("Also: \\fB").append(escape(String.join(", ", sub.aliases()))).append("\\fR.\n.PP\n");
            }
            b.append(escape(synopsis(sub))).append("\n.PP\n");
            for (String line : sub.usageMessage().description()) {
                b.append(escape(line)).append("\n.PP\n");
            }
            for (PositionalParamSpec p : sub.positionalParameters()) {
                if (!p.hidden() && p.description().length > 0) {
                    b.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR\n")
                            .append(escape(String.join(" ", p.description()))).append('\n');
                }
            }
            options(b, sub);
        }
        b.append(".SH FILES\n.TP\n/etc/mirrorgate/mirrorgate.yaml\nThe service's configuration (\\fBcheck\\-config\\fR"
                + " validates it).\n.SH \"SEE ALSO\"\n/usr/share/doc/mirrorgate/README.md\n");
        return b.toString();
    }

    private static void options(StringBuilder b, CommandSpec spec) {
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            List<String> names = new ArrayList<>();
            for (String n : o.names()) {
                names.add("\\fB" + escape(n) + "\\fR");
            }
            b.append(".TP\n").append(String.join(", ", names));
            if (o.arity().max() > 0) {
                b.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
            }
            b.append('\n').append(escape(String.join(" ", o.description()))).append('\n');
        }
    }

    private static String synopsis(CommandSpec spec) {
        spec.usageMessage().width(10_000); // one line: man fills and wraps it for the reader's terminal
        Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
        return help.synopsis(0).strip();
    }

    /** Text for a troff line: backslashes and hyphens escaped, no line taken for a request. */
    static String escape(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder out = new StringBuilder();
        for (String line : t.split("\n", -1)) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
        }
        return out.toString();
    }
}
