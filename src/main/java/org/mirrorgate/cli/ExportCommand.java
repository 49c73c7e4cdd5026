package org.mirrorgate.cli;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.mirrorgate.api.v1.GetMirrorRequest;
import org.mirrorgate.api.v1.ListMirrorsRequest;
import org.mirrorgate.api.v1.ListMirrorsResponse;
import org.mirrorgate.api.v1.MirrorDefinition;
import org.mirrorgate.api.v1.MirrorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mirrorgate export mirmon|yaml|json}: Mirrorbits' {@code export mirmon}, plus the API
 * mirrors as config-file YAML and every mirror as JSON. Read from ListMirrors and
 * GetMirrorDefinition: no RPC of its own, and like them it never shows a scan URL's credentials.
 */
@Command(name = "export", description = {"Print the mirrors in another format:",
        "  mirmon  mirmon's mirror list (cc url [admin-email], one line per mirror and protocol);",
        "  yaml    the mirrors added through the admin API as a config-file mirrors: block to paste;",
        "  json    every mirror with its state (ListMirrors' fields; scan URL credentials masked)."})
final class ExportCommand extends AdminCommands.Base {

    enum Format { mirmon, yaml, json }

    @Parameters(paramLabel = "FORMAT", description = "mirmon, yaml or json")
    Format format;

    @Option(names = "--protocols", split = ",", paramLabel = "P", description = "mirmon: the protocols listed, of"
            + " http, https, ftp, rsync (default: http,https)")
    List<MirrorExport.Protocol> protocols = new ArrayList<>(List.of(MirrorExport.Protocol.HTTP,
            MirrorExport.Protocol.HTTPS));

    @Option(names = "--enabled-only", description = "mirmon: leave out disabled mirrors (by default they are"
            + " listed, so mirmon watches a new mirror before it is enabled)")
    boolean enabledOnly;

    @Option(names = "--admin-email", paramLabel = "ADDRESS", description = "mirmon: the e-mail ending every line"
            + " (mirrorgate keeps none per mirror; default: none)")
    String adminEmail;

    @Override
    void run() throws Exception {
        List<MirrorInfo> mirrors = client.admin().listMirrors(ListMirrorsRequest.getDefaultInstance()).getMirrorsList();
        switch (format) {
            case json -> JsonOutput.print(out(), ListMirrorsResponse.newBuilder().addAllMirrors(mirrors).build());
            case yaml -> {
                List<MirrorDefinition> definitions = new ArrayList<>();
                for (MirrorInfo m : mirrors) {
                    if (m.getOrigin().equals("api")) {
                        definitions.add(client.admin().getMirrorDefinition(GetMirrorRequest.newBuilder()
                                .setName(m.getName()).build()));
                    }
                }
                out().print(MirrorExport.yaml(client.target, definitions));
            }
            case mirmon -> {
                Set<MirrorExport.Protocol> chosen = protocols.isEmpty() ? EnumSet.noneOf(MirrorExport.Protocol.class)
                        : EnumSet.copyOf(protocols);
                MirrorExport.Lines lines = MirrorExport.mirmon(mirrors, chosen, !enabledOnly, adminEmail);
                lines.lines().forEach(out()::println);
                for (String why : lines.leftOut()) {
                    spec.commandLine().getErr().println("mirrorgate: export mirmon: left out " + why);
                }
                spec.commandLine().getErr().flush();
            }
        }
    }
}
