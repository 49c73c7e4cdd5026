package org.mirrorgate.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.mirrorgate.api.v1.ListMirrorsRequest;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.api.v1.ScanMirrorRequest;
import org.mirrorgate.api.v1.ScanProgress;
import org.mirrorgate.api.v1.SetMirrorEnabledRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mirrorgate scan NAME|--all [--enable]}: Mirrorbits' {@code scan}. Progress goes to stderr
 * while it runs, each mirror's result to stdout as it ends; mirrors are scanned one after another
 * (the service bounds its own scan concurrency; this keeps the output readable and the load of
 * one operator's command at one scan).
 */
@Command(name = "scan", description = {"Scan a mirror now (or every scannable one) and follow its progress.",
        "Works on disabled mirrors too: the way to check a new mirror before `enable`."})
final class ScanCommand extends AdminCommands.Base {

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "the mirror (or --all)")
    String name;

    @Option(names = "--all", description = "every mirror with a scan URL that is not trusted")
    boolean all;

    @Option(names = "--enable", description = "enable each mirror whose scan succeeded")
    boolean enable;

    @Override
    void run() throws Exception {
        requireNameOrAll("scan", name, all);
        List<String> names = new ArrayList<>();
        if (all) {
            for (MirrorInfo m : client.admin().listMirrors(ListMirrorsRequest.getDefaultInstance()).getMirrorsList()) {
                if (!m.getTrusted() && !(m.getRsyncUrl().isEmpty() && m.getFtpUrl().isEmpty())) {
                    names.add(m.getName());
                }
            }
            if (names.isEmpty()) {
                throw new IllegalStateException("scan --all: no mirror has a scan URL (rsync-url or ftp-url)");
            }
        } else {
            names.add(name);
        }
        List<String> failed = new ArrayList<>();
        for (String n : names) {
            if (!scan(n)) {
                failed.add(n);
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("scan failed for " + String.join(", ", failed) + " (see above); the"
                    + " previous state is kept" + (enable ? " and they were not enabled" : ""));
        }
    }

    /** One mirror's scan; true when it succeeded. A refused scan (unknown, no scan URL) throws. */
    private boolean scan(String mirror) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Iterator<ScanProgress> it = client.adminStreaming().scanMirror(ScanMirrorRequest.newBuilder()
                .setName(mirror).build());
        while (it.hasNext()) {
            ScanProgress p = it.next();
            if (!p.getDone()) {
                err.printf("%s: %d entries read%n", mirror, p.getEntries());
                err.flush();
                continue;
            }
            live().printf("%s: %s%n", mirror, p.getSummary());
            if (p.getSuccess() && enable) {
                MirrorInfo m = client.admin().setMirrorEnabled(SetMirrorEnabledRequest.newBuilder().setName(mirror)
                        .setEnabled(true).build());
                live().printf("%s: %s%n", mirror, m.getEnabled() ? "enabled" : "disabled");
            }
            live().flush();
            return p.getSuccess();
        }
        throw new IllegalStateException("scan of " + mirror + ": the service ended the stream without a result");
    }
}
