package org.mirrorgate.cli;

import com.google.protobuf.Timestamp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.mirrorgate.api.v1.Alternate;
import org.mirrorgate.api.v1.ExplainRequest;
import org.mirrorgate.api.v1.ExplainResponse;
import org.mirrorgate.api.v1.GetMirrorEventsRequest;
import org.mirrorgate.api.v1.GetMirrorEventsResponse;
import org.mirrorgate.api.v1.GetMirrorRequest;
import org.mirrorgate.api.v1.MirrorEvent;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.api.v1.MirrorVerdict;
import org.mirrorgate.api.v1.ProtocolState;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.api.v1.Scheme;
import org.mirrorgate.api.v1.SetMirrorEnabledRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The operator's commands over the admin API: each is a thin call plus readable output. */
final class AdminCommands {

    private AdminCommands() {}

    /**
     * Shared plumbing: the connection mixin and the output; subclasses only say what to ask. What
     * {@link #out()} gets is printed when the command succeeds, so a failure prints nothing to
     * stdout (only the error, on stderr) and a script never reads half a table as an answer.
     */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        private final StringWriter buffer = new StringWriter();
        private final PrintWriter out = new PrintWriter(buffer);

        PrintWriter out() {
            return out;
        }

        /** For commands on one mirror or on all: exactly one of NAME and --all, or a usage error. */
        void requireNameOrAll(String command, String name, boolean all) {
            if ((name == null) == !all) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), name == null
                        ? command + ": give a mirror NAME or --all" : command + ": give a mirror NAME or --all, not both");
            }
        }

        /** Straight to stdout, for what must show while the command runs (a scan's results). */
        PrintWriter live() {
            return spec.commandLine().getOut();
        }

        @Override
        public final Integer call() throws Exception {
            try {
                run();
                out.flush();
                PrintWriter stdout = spec.commandLine().getOut();
                stdout.print(buffer);
                stdout.flush(); // `mirror NAME` printed nothing: print() leaves a PrintWriter unflushed
                return 0;
            } catch (io.grpc.StatusRuntimeException e) {
                throw client.explain(e);
            } finally {
                client.close();
            }
        }

        abstract void run() throws Exception;
    }

    /** "yes", "no", or with "(override)" while a run-time switch differs from the config file. */
    static String enabled(MirrorInfo m) {
        return (m.getEnabled() ? "yes" : "no") + (m.getEnabledOverride() ? " (override)" : "");
    }

    @Command(name = "mirror", description = "Show one mirror's state in full (its definition: `show NAME`).")
    static final class Mirror extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        JsonOutput json;

        @Override
        void run() throws Exception {
            MirrorInfo m = client.admin().getMirror(GetMirrorRequest.newBuilder().setName(name).build());
            if (json.json) {
                JsonOutput.print(out(), m);
            } else {
                out().print(m);
            }
        }
    }

    @Command(name = "explain", description = "Show how a request would be resolved, mirror by mirror.")
    static final class Explain extends Base {
        @Parameters(paramLabel = "PATH", description = "request path, e.g. /debian/pool/main/a/apt/apt_2.6.1_amd64.deb")
        String path;

        @Option(names = "--ip", required = true, description = "client address")
        String ip;

        @Option(names = "--https", description = "as an https request")
        boolean https;

        @Mixin
        JsonOutput json;

        @Override
        void run() throws Exception {
            ExplainResponse r = client.admin().explain(ExplainRequest.newBuilder().setPath(path).setClientIp(ip)
                    .setScheme(https ? Scheme.HTTPS : Scheme.HTTP).build());
            if (json.json) {
                JsonOutput.print(out(), r);
                return;
            }
            var c = r.getClient();
            out().printf("client:   %s  country %s  continent %s  asn %s%n", c.getIp(), dash(c.getCountry()),
                    dash(c.getContinent()), c.getAsn() == 0 ? "-" : c.getAsn());
            if (r.hasFile()) {
                out().printf("file:     %s  %d bytes  mtime %s%s%n", r.getFile().getPath(), r.getFile().getSize(),
                        time(r.getFile().getMtime()), r.getFile().hasDeletedAt() ? "  DELETED " + time(r.getFile().getDeletedAt()) : "");
                out().printf("policy:   %s%n", r.getPolicy());
            }
            out().printf("decision: %s%n%n", decision(r.getDecision()));
            Table t = new Table("MIRROR", "VERDICT", "TIER", "DISTANCE", "CHANCE", "REASON").alignRight(3, 4);
            for (MirrorVerdict v : r.getVerdictsList()) {
                t.row(v.getMirror(), v.getAccepted() ? "accepted" : "excluded", v.getTier(),
                        v.getDistanceKm() < 0 ? "-" : Math.round(v.getDistanceKm()) + " km",
                        String.format("%.1f%%", v.getProbability() * 100), dash(v.getReason()));
            }
            t.print(out());
        }
    }

    @Command(name = "resolve", description = "Ask Resolve, exactly as Nginx's hook does.")
    static final class Resolve extends Base {
        @Parameters(paramLabel = "PATH")
        String path;

        @Option(names = "--ip", required = true, description = "client address")
        String ip;

        @Option(names = "--https", description = "as an https request")
        boolean https;

        @Option(names = "--method", defaultValue = "GET", description = "HTTP method (default: ${DEFAULT-VALUE})")
        String method;

        @Option(names = "--query", defaultValue = "", description = "query string without '?', e.g. mirrorlist")
        String query;

        @Mixin
        JsonOutput json;

        @Override
        void run() throws Exception {
            ResolveResponse r = client.resolver().resolve(ResolveRequest.newBuilder().setPath(path).setClientIp(ip)
                    .setScheme(https ? Scheme.HTTPS : Scheme.HTTP).setMethod(method).setQuery(query).build());
            if (json.json) {
                JsonOutput.print(out(), r);
                return;
            }
            out().println(decision(r));
            for (Alternate a : r.getAlternatesList()) {
                out().printf("  alternate pri=%d geo=%s %s%n", a.getPriority(), dash(a.getCountry()), a.getUrl());
            }
            if (!r.getContent().isEmpty()) {
                out().printf("%d %s%n%s", r.getHttpStatus(), r.getContentType(), r.getContent().toStringUtf8());
            }
        }
    }

    /** enable and disable: one call, one flag. */
    abstract static class Toggle extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        abstract boolean enabled();

        boolean clear() {
            return false;
        }

        @Override
        void run() throws Exception {
            MirrorInfo m = client.admin().setMirrorEnabled(SetMirrorEnabledRequest.newBuilder().setName(name)
                    .setEnabled(enabled()).setClearOverride(clear()).build());
            out().printf("%s: %s%s%n", m.getName(), m.getEnabled() ? "enabled" : "disabled", m.getEnabledOverride()
                    ? " (overrides the config file's enabled: " + m.getDeclaredEnabled()
                            + " until `enable --clear " + m.getName() + "` or the config's enabled changes)"
                    : m.getOrigin().equals("config") ? " (as the config file says)" : "");
        }
    }

    @Command(name = "enable", description = {"Put a mirror back into rotation.",
            "For a mirror of the config file this overrides its declared enabled, over restarts, until"
                    + " `enable --clear NAME` or until the config's own enabled changes."})
    static final class Enable extends Toggle {
        @Option(names = "--clear", description = "End the run-time override: the mirror follows the config file's"
                + " enabled again.")
        boolean clear;

        @Override
        boolean enabled() {
            return true;
        }

        @Override
        boolean clear() {
            return clear;
        }
    }

    @Command(name = "disable", description = {"Take a mirror out of rotation: it is neither scanned nor probed on schedule until enabled"
                    + " again (`scan NAME` still scans it on demand).",
            "For a mirror of the config file this overrides its declared enabled, over restarts, until"
                    + " `enable --clear NAME` or until the config's own enabled changes."})
    static final class Disable extends Toggle {
        @Override
        boolean enabled() {
            return false;
        }
    }

    @Command(name = "logs", aliases = "events", description = {"Show a mirror's event log, newest first:"
            + " added, changed, enabled, disabled, up, down, scan, scan-failed, trace, error."})
    static final class Logs extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = {"-n", "--limit"}, defaultValue = "50",
                description = "at most this many, 1 .. 10000 (default: ${DEFAULT-VALUE})")
        int limit;

        @Mixin
        JsonOutput json;

        @Override
        void run() throws Exception {
            if (limit < 1 || limit > 10_000) {
                throw new ParameterException(spec.commandLine(), "--limit: " + limit + " (expected: 1 .. 10000)");
            }
            GetMirrorEventsResponse r = client.admin().getMirrorEvents(GetMirrorEventsRequest.newBuilder()
                    .setName(name).setLimit(limit).build());
            if (json.json) {
                JsonOutput.print(out(), r);
                return;
            }
            Table t = new Table("TIME", "KIND", "MESSAGE");
            for (MirrorEvent e : r.getEventsList()) {
                t.row(time(e.getTime()), e.getKind(), e.getMessage());
            }
            t.print(out());
        }
    }

    static String decision(ResolveResponse r) {
        return switch (r.getAction()) {
            case REDIRECT -> "REDIRECT " + r.getUrl() + "  (" + r.getMirror() + ", " + r.getReason() + ")";
            case SERVE_LOCAL -> "SERVE_LOCAL  (" + r.getReason() + ")";
            case NOT_FOUND -> "NOT_FOUND  (" + r.getReason() + ")";
            case CONTENT -> "CONTENT  (" + r.getReason() + ")";
            default -> r.getAction().toString();
        };
    }

    static String state(ProtocolState s) {
        if (!s.getConfigured()) {
            return "-";
        }
        if (s.getUp()) {
            return "up";
        }
        return s.getReason().isEmpty() ? "unknown" : "down";
    }

    static String time(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }

    static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
