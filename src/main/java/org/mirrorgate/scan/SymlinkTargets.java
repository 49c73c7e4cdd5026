package org.mirrorgate.scan;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a listed symlink's target to a path relative to the mirror's root, as the mirror's web
 * server would follow it: relative to the link's directory, {@code .} and {@code ..} collapsed.
 * Absolute targets (a path on the mirror's disk, not in the tree) and targets climbing out of the
 * tree give null: such a link cannot be judged and is skipped.
 */
final class SymlinkTargets {

    private SymlinkTargets() {}

    static String resolve(String linkPath, String target) {
        if (target.isEmpty() || target.startsWith("/")) {
            return null;
        }
        Deque<String> parts = new ArrayDeque<>();
        int slash = linkPath.lastIndexOf('/');
        if (slash > 0) {
            for (String p : linkPath.substring(0, slash).split("/")) {
                parts.addLast(p);
            }
        }
        for (String p : target.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.addLast(p);
            }
        }
        return parts.isEmpty() ? null : String.join("/", parts);
    }
}
