package org.mirrorgate.cli;

import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mirrorgate.api.v1.GeoUpdateMirrorRequest;
import org.mirrorgate.api.v1.GeoUpdateMirrorResponse;
import org.mirrorgate.api.v1.ListMirrorsRequest;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.api.v1.MirrorLocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mirrorgate geoupdate NAME|--all [--dry-run]}: Mirrorbits' {@code geoupdate}. The service
 * looks the host up (its GeoIP databases, its resolver); this prints old -> new per key. With
 * {@code --all} each mirror's result is printed as it comes and one that cannot be placed does not
 * stop the others (the command still fails at the end, naming them).
 */
@Command(name = "geoupdate", description = {"Look a mirror's location up again with GeoIP, from the address its"
        + " host resolves to: countries, continent, ASN, coordinates; shows old -> new.",
        "Countries and ASNs set by hand stay while they contain GeoIP's. A mirror added through the admin API is"
                + " changed; one of the config file is not (edit the file): the lines to put into its entry are"
                + " printed."})
final class GeoUpdateCommand extends AdminCommands.Base {

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "the mirror (or --all)")
    String name;

    @Option(names = "--all", description = "every mirror")
    boolean all;

    @Option(names = {"-n", "--dry-run"}, description = "show what would change; change nothing")
    boolean dryRun;

    @Override
    void run() throws Exception {
        requireNameOrAll("geoupdate", name, all);
        if (!all) {
            print(out(), update(name));
            return;
        }
        List<String> failed = new ArrayList<>();
        for (MirrorInfo m : client.admin().listMirrors(ListMirrorsRequest.getDefaultInstance()).getMirrorsList()) {
            try {
                print(live(), update(m.getName()));
                live().flush();
            } catch (StatusRuntimeException e) {
                failed.add(m.getName());
                spec.commandLine().getErr().println("mirrorgate: " + client.target + ": " + Errors.describe(e));
                spec.commandLine().getErr().flush();
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("geoupdate --all: not placed: " + String.join(", ", failed)
                    + " (see above); the others are done");
        }
    }

    private GeoUpdateMirrorResponse update(String mirror) throws Exception {
        return client.admin().geoUpdateMirror(GeoUpdateMirrorRequest.newBuilder().setName(mirror).setDryRun(dryRun)
                .build());
    }

    private void print(PrintWriter out, GeoUpdateMirrorResponse r) {
        out.printf("%s: %s is %s%s%n", r.getName(), r.getHost(), r.getAddress(), r.getAddressCount() > 1
                ? " (first of " + r.getAddressCount() + " addresses: the location is of that one)" : "");
        MirrorLocation a = r.getOldLocation();
        MirrorLocation b = r.getNewLocation();
        row(out, "countries", String.join(",", a.getCountryCodesList()), String.join(",", b.getCountryCodesList()));
        row(out, "continent", a.getContinent(), b.getContinent());
        row(out, "asns", asns(a), asns(b));
        row(out, "coordinates", coordinates(a), coordinates(b));
        if (!r.getChanged()) {
            out.printf("%s: location unchanged%n", r.getName());
        } else if (r.getApplied()) {
            out.printf("%s: updated%n", r.getName());
        } else if (dryRun) {
            out.printf("%s: not changed (--dry-run)%n", r.getName());
        } else {
            out.printf("%s: declared in the config file, which mirrorgate does not change: put these lines into its"
                    + " entry under mirrors: (replacing the same keys), then restart or reload%n", r.getName());
            r.getLocationYaml().lines().forEach(l -> out.println("    " + l));
        }
    }

    private static void row(PrintWriter out, String key, String before, String after) {
        before = AdminCommands.dash(before);
        after = AdminCommands.dash(after);
        out.printf("  %-12s %s%s%n", key, before, before.equals(after) ? "" : " -> " + after);
    }

    private static String asns(MirrorLocation l) {
        return String.join(",", l.getAsnsList().stream().map(String::valueOf).toList());
    }

    private static String coordinates(MirrorLocation l) {
        return l.getHasCoordinates() ? String.format(Locale.ROOT, "%.4f,%.4f", l.getLatitude(), l.getLongitude()) : "";
    }
}
