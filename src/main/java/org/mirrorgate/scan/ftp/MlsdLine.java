package org.mirrorgate.scan.ftp;

import java.util.Locale;
import org.mirrorgate.scan.ListingTimes;

/**
 * One line of an FTP MLSD listing (RFC 3659 7.2): {@code fact=value;fact=value; name}. The name is
 * everything after the first space, verbatim (spaces, leading dashes). Only the facts a scan needs
 * are kept: type, size and modify (UTC, {@code YYYYMMDDHHMMSS[.sss]}), and a symlink's target
 * when the server gives it ({@code type=OS.unix=slink:target}).
 */
record MlsdLine(String type, long size, long modifyMillis, boolean modifyHasMillis, String name, String linkTarget) {

    /** The parsed line, or null when it is not a well-formed MLSD entry. */
    static MlsdLine parse(String line) {
        int space = line.indexOf(' ');
        if (space <= 0) {
            return null;
        }
        String type = null;
        long size = -1;
        long modify = -1;
        boolean millis = false;
        String link = null;
        for (String fact : line.substring(0, space).split(";")) {
            int eq = fact.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = fact.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = fact.substring(eq + 1);
            switch (key) {
                case "type" -> {
                    type = value.toLowerCase(Locale.ROOT);
                    if (type.startsWith("os.unix=slink:")) { // proftpd: the target, case kept
                        link = value.substring("os.unix=slink:".length());
                    }
                }
                case "size" -> size = parseSize(value);
                case "modify" -> {
                    modify = parseTime(value);
                    millis = value.indexOf('.') > 0;
                }
                default -> { } // perm, unique, unix.mode ...: not needed
            }
        }
        if (type == null) {
            return null;
        }
        return new MlsdLine(type, size, modify, millis, line.substring(space + 1), link);
    }

    /** {@code YYYYMMDDHHMMSS[.sss]} (UTC) as epoch millis; -1 when malformed. Also MDTM's reply format. */
    static long parseTime(String v) {
        if (v.length() < 14) {
            return -1;
        }
        for (int i = 0; i < 14; i++) {
            if (!Character.isDigit(v.charAt(i))) {
                return -1;
            }
        }
        int y = Integer.parseInt(v.substring(0, 4));
        int mo = Integer.parseInt(v.substring(4, 6));
        int d = Integer.parseInt(v.substring(6, 8));
        int h = Integer.parseInt(v.substring(8, 10));
        int mi = Integer.parseInt(v.substring(10, 12));
        int s = Integer.parseInt(v.substring(12, 14));
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
            return -1;
        }
        int ms = 0;
        if (v.length() > 15 && v.charAt(14) == '.') {
            String frac = (v.substring(15) + "000").substring(0, 3);
            if (!frac.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            ms = Integer.parseInt(frac);
        } else if (v.length() != 14) {
            return -1;
        }
        return ((ListingTimes.epochDay(y, mo, d) * 24 + h) * 60 + mi) * 60_000L + s * 1000L + ms;
    }

    private static long parseSize(String v) {
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(v);
    }
}
