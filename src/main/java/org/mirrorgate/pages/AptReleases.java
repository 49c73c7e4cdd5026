package org.mirrorgate.pages;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mirrorgate.index.FileTable;

/**
 * What the apt mirror list needs to know of one file table: the newest release file (the last push's
 * {@code dists/<suite>/InRelease} or {@code Release}) and the binary package indexes ({@code
 * dists/<suite>/<component>/binary-<arch>/Packages*}) with their component and architecture, to see
 * which mirrors lack whole architectures or components.
 *
 * <p>Why a walk of the table and not a lookup: the index keeps no per-directory listing and the
 * suites are not configured. The walk reads each path once (a few ms per million files) and is done
 * once per file table, not per request ({@link AptMirrorLists} keeps the last one).
 */
final class AptReleases {

    static final AptReleases NONE = new AptReleases(null, -1, new int[0], new String[0], new String[0]);

    final FileTable files;
    /** The release file changed last, -1 when the table holds none. */
    final int newestRelease;
    final int[] indexIds;
    final String[] indexComponent;
    final String[] indexArch;
    final List<String> components;
    final List<String> archs;

    private AptReleases(FileTable files, int newestRelease, int[] ids, String[] components, String[] archs) {
        this.files = files;
        this.newestRelease = newestRelease;
        this.indexIds = ids;
        this.indexComponent = components;
        this.indexArch = archs;
        this.components = List.copyOf(new LinkedHashSet<>(List.of(components)));
        this.archs = List.copyOf(new LinkedHashSet<>(List.of(archs)));
    }

    static AptReleases of(FileTable files) {
        int newest = -1;
        List<Integer> ids = new ArrayList<>();
        List<String> comps = new ArrayList<>();
        List<String> archs = new ArrayList<>();
        for (int id = 0; id < files.idLimit(); id++) {
            if (!files.exists(id) || files.isDeleted(id)) {
                continue;
            }
            String p = files.path(id);
            int d = p.startsWith("dists/") ? 0 : p.indexOf("/dists/") + 1; // 0: not under dists/
            if (d == 0 && !p.startsWith("dists/") || p.contains("/by-hash/")) {
                continue;
            }
            String[] seg = p.substring(d + "dists/".length()).split("/");
            // seg: suite, then InRelease | Release, or component..., binary-<arch>, Packages*
            if (seg.length == 2 && (seg[1].equals("InRelease") || seg[1].equals("Release"))) {
                if (newest < 0 || files.changedAtMillis(id) > files.changedAtMillis(newest)) {
                    newest = id;
                }
            } else if (seg.length >= 4 && seg[seg.length - 2].startsWith("binary-")
                    && seg[seg.length - 1].startsWith("Packages")) {
                ids.add(id);
                comps.add(String.join("/", List.of(seg).subList(1, seg.length - 2)));
                archs.add(seg[seg.length - 2].substring("binary-".length()));
            }
        }
        return new AptReleases(files, newest, ids.stream().mapToInt(Integer::intValue).toArray(),
                comps.toArray(String[]::new), archs.toArray(String[]::new));
    }

    /** The components ({@code arch = false}) or architectures whose indexes {@code held} says the mirror has. */
    Set<String> heldValues(java.util.function.IntPredicate held, boolean arch) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < indexIds.length; i++) {
            if (held.test(indexIds[i])) {
                out.add(arch ? indexArch[i] : indexComponent[i]);
            }
        }
        return out;
    }
}
