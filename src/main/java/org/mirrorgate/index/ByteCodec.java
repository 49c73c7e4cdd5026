package org.mirrorgate.index;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Variable-length integers and raw bytes, for the persistence codecs. LEB128 varints (7 bits per
 * byte) and zigzag for signed deltas: a file size costs 2-4 bytes, a delta between neighbouring
 * mtimes 1-5, instead of 8 each.
 */
final class ByteCodec {

    private ByteCodec() {}

    /** A growable output buffer. */
    static final class Writer {
        private byte[] buf;
        private int len;

        Writer(int initialCapacity) {
            buf = new byte[Math.max(16, initialCapacity)];
        }

        Writer varLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
            return this;
        }

        Writer zigZag(long v) {
            return varLong((v << 1) ^ (v >> 63));
        }

        Writer bytes(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
            return this;
        }

        Writer lengthPrefixed(byte[] b) {
            varLong(b.length);
            return bytes(b, 0, b.length);
        }

        Writer utf8(String s) {
            return lengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
        }

        Writer rawLong(long v) {
            ensure(8);
            for (int i = 7; i >= 0; i--) {
                buf[len++] = (byte) (v >>> (i * 8));
            }
            return this;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }

        private void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(len + n, buf.length * 2));
            }
        }
    }

    /** Reads what {@link Writer} wrote; throws {@link IllegalStateException} on truncated input. */
    static final class Reader {
        private final byte[] buf;
        private int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        long varLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = next();
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new IllegalStateException("varint longer than 64 bits at byte " + pos);
        }

        int varInt() {
            return Math.toIntExact(varLong());
        }

        /** True while bytes are left to read (fields appended to a record after its first layout). */
        boolean hasMore() {
            return pos < buf.length;
        }

        long zigZag() {
            long v = varLong();
            return (v >>> 1) ^ -(v & 1);
        }

        byte[] bytes(int n) {
            if (pos + n > buf.length) {
                throw new IllegalStateException("truncated: wanted " + n + " bytes at " + pos + " of " + buf.length);
            }
            byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return out;
        }

        /** Copies {@code n} bytes into {@code dest} at {@code off}. */
        void bytesInto(byte[] dest, int off, int n) {
            if (pos + n > buf.length) {
                throw new IllegalStateException("truncated: wanted " + n + " bytes at " + pos + " of " + buf.length);
            }
            System.arraycopy(buf, pos, dest, off, n);
            pos += n;
        }

        byte[] lengthPrefixed() {
            return bytes(varInt());
        }

        String utf8() {
            return new String(lengthPrefixed(), StandardCharsets.UTF_8);
        }

        long rawLong() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (next() & 0xFF);
            }
            return v;
        }

        byte next() {
            if (pos >= buf.length) {
                throw new IllegalStateException("truncated at byte " + pos);
            }
            return buf[pos++];
        }

        boolean atEnd() {
            return pos == buf.length;
        }
    }
}
