package org.mirrorgate.scan.rsync;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.mirrorgate.scan.ListingCollector;
import org.mirrorgate.scan.ListingTimes;
import org.mirrorgate.scan.ScanFailedException;

/**
 * Parses one line of {@code rsync --list-only --no-h -8} output (run with TZ=UTC):
 *
 * <pre>
 * -rw-r--r--          1234 2024/01/15 08:13:33 pool/main/a b/c.deb
 * </pre>
 *
 * <p>The name is everything after the time's single separating space, so names with leading
 * spaces or dashes survive. rsync escapes bytes it will not print as {@code \#ooo} (octal), and a
 * literal backslash that would look like such an escape as {@code \#134}; so undoing every escape
 * gives the exact bytes, which must then be UTF-8. Works on bytes: a plain ASCII name of a local
 * file is looked up from the line's bytes ({@link ListingCollector#knownFile}); any other accepted
 * line makes one String.
 *
 * <p>Not thread-safe (it reuses its buffers): one parser per scan.
 */
public final class RsyncLineParser {

    static final String UNPARSABLE = "unparsable line";
    static final String NOT_UTF8 = "name not UTF-8";

    private final ListingCollector out;
    private final byte[] name;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    RsyncLineParser(ListingCollector out, int maxLine) {
        this.out = out;
        this.name = new byte[maxLine];
    }

    void parse(byte[] line, int len) throws ScanFailedException {
        if (len == 0) {
            return;
        }
        byte type = line[0];
        int i = indexOf(line, 0, len, (byte) ' ');
        if (i < 10 || !isTypeChar(type) || !isPermissions(line)) {
            out.reject(UNPARSABLE, latin1(line, len));
            return;
        }
        if (type == 'd') {
            return; // directories are implied by their files
        }
        if (type != '-' && type != 'l') {
            out.skipOther(); // devices list "major,minor" instead of a size
            return;
        }
        while (i < len && line[i] == ' ') {
            i++;
        }
        long size = 0;
        int digits = 0;
        for (; i < len && line[i] != ' '; i++) {
            byte c = line[i];
            if (c >= '0' && c <= '9' && digits < 19) {
                size = size * 10 + (c - '0');
                digits++;
            } else if (c != ',' && c != '.' || digits == 0) {
                digits = -1; // not a plain or grouped number
                break;
            }
        }
        // i is at the space before the date: " yyyy/mm/dd hh:mm:ss name"
        if (digits <= 0 || len - i < 21 || line[i] != ' ' || line[i + 11] != ' ' || line[i + 20] != ' ') {
            out.reject(UNPARSABLE, latin1(line, len));
            return;
        }
        long mtime = mtime(line, i + 1);
        if (mtime == Long.MIN_VALUE) {
            out.reject(UNPARSABLE, latin1(line, len));
            return;
        }
        if (type == 'l') {
            symlink(line, i + 21, len);
            return;
        }
        if (plainAscii(line, i + 21, len) && out.knownFile(line, i + 21, len, size, mtime)) {
            return; // a local file, named without escapes: counted without a String
        }
        String path = decodeName(line, i + 21, len);
        if (path == null) {
            out.reject(NOT_UTF8, latin1(line, len));
            return;
        }
        out.file(path, size, mtime);
    }

    /** "name -> target" (rsync -l); a name or target holding " -> " itself is ambiguous: skipped. */
    private void symlink(byte[] line, int from, int to) throws ScanFailedException {
        int arrow = -1;
        for (int i = from; i + 4 <= to; i++) {
            if (line[i] == ' ' && line[i + 1] == '-' && line[i + 2] == '>' && line[i + 3] == ' ') {
                if (arrow >= 0) {
                    out.symlinkSkipped();
                    return;
                }
                arrow = i;
            }
        }
        if (arrow < 0) {
            out.symlinkSkipped();
            return;
        }
        String link = decodeName(line, from, arrow);
        String target = link == null ? null : decodeName(line, arrow + 4, to);
        if (target == null) {
            out.reject(NOT_UTF8, latin1(line, to));
            return;
        }
        out.symlink(link, target);
    }

    /** "yyyy/mm/dd hh:mm:ss" at {@code at} as UTC epoch millis; MIN_VALUE when malformed. */
    static long mtime(byte[] b, int at) {
        int y = num(b, at, 4);
        int mo = num(b, at + 5, 2);
        int d = num(b, at + 8, 2);
        int h = num(b, at + 11, 2);
        int mi = num(b, at + 14, 2);
        int s = num(b, at + 17, 2);
        if (b[at + 4] != '/' || b[at + 7] != '/' || b[at + 13] != ':' || b[at + 16] != ':' || y < 0 || mo < 1
                || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) {
            return Long.MIN_VALUE;
        }
        return ((ListingTimes.epochDay(y, mo, d) * 24 + h) * 60 + mi) * 60_000L + s * 1000L;
    }

    /** No byte at or above 0x80 and no backslash (rsync's escapes): the bytes are the name. */
    private static boolean plainAscii(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 0 || b[i] == '\\') {
                return false;
            }
        }
        return true;
    }

    private String decodeName(byte[] b, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] == '\\' && i + 4 < to && b[i + 1] == '#' && isOctal(b[i + 2]) && isOctal(b[i + 3])
                    && isOctal(b[i + 4])) {
                name[n++] = (byte) ((b[i + 2] - '0') * 64 + (b[i + 3] - '0') * 8 + (b[i + 4] - '0'));
                i += 4;
            } else {
                name[n++] = b[i];
            }
        }
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) {
            ascii = name[i] >= 0;
        }
        if (ascii) {
            return new String(name, 0, n, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(name, 0, n));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * rsync lists a mode string first: the type, then 9 permission characters. Checking them keeps
     * a garbage line that happens to start with 'd' or 'c' from being skipped as a directory or a
     * device instead of being rejected.
     */
    private static boolean isPermissions(byte[] line) {
        for (int k = 1; k < 10; k++) {
            byte c = line[k];
            if (c != '-' && c != 'r' && c != 'w' && c != 'x' && c != 's' && c != 'S' && c != 't' && c != 'T') {
                return false;
            }
        }
        return true;
    }

    private static boolean isTypeChar(byte c) {
        return c == '-' || c == 'd' || c == 'l' || c == 'c' || c == 'b' || c == 'p' || c == 's';
    }

    private static boolean isOctal(byte c) {
        return c >= '0' && c <= '7';
    }

    private static int num(byte[] b, int at, int width) {
        int v = 0;
        for (int i = at; i < at + width; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static String latin1(byte[] b, int len) {
        return new String(b, 0, Math.min(len, 200), StandardCharsets.ISO_8859_1);
    }
}
