package org.mirrorgate.geo;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.net.InetAddresses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small MaxMind DB files for tests (no Java writer is published). Follows the MaxMind DB
 * format 2.0 (maxmind.github.io/MaxMind-DB): a binary search tree of 24-, 28- or 32-bit records, 16
 * zero bytes, a data section, the marker {@code \xAB\xCD\xEFMaxMind.com} and a metadata map.
 *
 * <p>Data values: {@code String} (utf8_string), {@code Double} (double), {@code Float} (float),
 * {@code Integer}/{@code Long} >= 0 (uint32), {@code Boolean}, {@code Map} (map, string keys),
 * {@code List} (array), {@link Uint} (uint16/uint64). Records are written inline, without the
 * pointers real writers use to share them; readers do not care. Networks must not overlap.
 */
public final class MmdbWriter {

    /** An unsigned integer of an explicit MMDB type: 5 = uint16, 6 = uint32, 9 = uint64. */
    record Uint(int type, long value) {}

    private static final class Node {
        Object[] children = new Object[2]; // Node, Integer (data offset), or null (no data)
    }

    private final String databaseType;
    private final int ipVersion;
    private int recordSize = 28;
    private long buildEpoch = 1_780_000_000L;
    private final Node root = new Node();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    public MmdbWriter(String databaseType, int ipVersion) {
        this.databaseType = databaseType;
        this.ipVersion = ipVersion;
    }

    MmdbWriter recordSize(int bits) {
        this.recordSize = bits;
        return this;
    }

    MmdbWriter buildEpoch(long seconds) {
        this.buildEpoch = seconds;
        return this;
    }

    /** Maps {@code cidr} ("192.0.2.0/24", "2001:db8::/32") to {@code record}. */
    public MmdbWriter insert(String cidr, Map<String, ?> record) {
        String[] parts = cidr.split("/");
        byte[] address = InetAddresses.forString(parts[0]).getAddress();
        int length = Integer.parseInt(parts[1]);
        if (address.length == 4 && ipVersion == 6) { // IPv4 lives at ::a.b.c.d in an IPv6 tree
            byte[] mapped = new byte[16];
            System.arraycopy(address, 0, mapped, 12, 4);
            address = mapped;
            length += 96;
        }
        if (address.length * 8 > (ipVersion == 4 ? 32 : 128)) {
            throw new IllegalArgumentException("IPv6 network in an IPv4 tree: " + cidr);
        }
        int offset = data.size();
        encode(data, record);
        Node node = root;
        for (int i = 0; i < length; i++) {
            int bit = (address[i / 8] >> (7 - i % 8)) & 1;
            Object child = node.children[bit];
            if (i == length - 1) {
                if (child != null) {
                    throw new IllegalArgumentException("overlapping network: " + cidr);
                }
                node.children[bit] = offset;
            } else if (child instanceof Node next) {
                node = next;
            } else if (child == null) {
                node = (Node) (node.children[bit] = new Node());
            } else {
                throw new IllegalArgumentException("overlapping network: " + cidr);
            }
        }
        return this;
    }

    byte[] toBytes() {
        List<Node> nodes = new ArrayList<>(); // breadth first, so the root is node 0
        var ids = new IdentityHashMap<Node, Integer>();
        for (var queue = new ArrayDeque<>(List.of(root)); !queue.isEmpty(); ) {
            Node node = queue.poll();
            ids.put(node, nodes.size());
            nodes.add(node);
            for (Object child : node.children) {
                if (child instanceof Node next) {
                    queue.add(next);
                }
            }
        }
        long nodeCount = nodes.size();
        var out = new ByteArrayOutputStream();
        for (Node node : nodes) {
            long[] r = new long[2];
            for (int i = 0; i < 2; i++) {
                Object child = node.children[i];
                r[i] = child instanceof Node n ? ids.get(n)
                        : child instanceof Integer offset ? nodeCount + 16 + offset : nodeCount;
            }
            switch (recordSize) {
                case 24 -> { writeBytes(out, r[0], 3); writeBytes(out, r[1], 3); }
                case 28 -> {
                    writeBytes(out, r[0], 3);
                    out.write((int) (((r[0] >> 24) & 0x0f) << 4 | ((r[1] >> 24) & 0x0f)));
                    writeBytes(out, r[1], 3);
                }
                case 32 -> { writeBytes(out, r[0], 4); writeBytes(out, r[1], 4); }
                default -> throw new IllegalArgumentException("record size: " + recordSize);
            }
        }
        out.writeBytes(new byte[16]);
        out.writeBytes(data.toByteArray());
        out.writeBytes(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF});
        out.writeBytes("MaxMind.com".getBytes(UTF_8));
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("binary_format_major_version", new Uint(5, 2));
        metadata.put("binary_format_minor_version", new Uint(5, 0));
        metadata.put("build_epoch", new Uint(9, buildEpoch));
        metadata.put("database_type", databaseType);
        metadata.put("description", Map.of("en", "mirrorgate test database"));
        metadata.put("ip_version", new Uint(5, ipVersion));
        metadata.put("languages", List.of("en"));
        metadata.put("node_count", new Uint(6, nodeCount));
        metadata.put("record_size", new Uint(5, recordSize));
        encode(out, metadata);
        return out.toByteArray();
    }

    /** Writes the file as an operator should: a new file renamed over the old one. */
    public Path writeTo(Path file) {
        try {
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".mmdb-", ".tmp");
            Files.write(temp, toBytes());
            return Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void encode(ByteArrayOutputStream out, Object value) {
        if (value instanceof String s) {
            byte[] bytes = s.getBytes(UTF_8);
            control(out, 2, bytes.length);
            out.writeBytes(bytes);
        } else if (value instanceof Double d) {
            control(out, 3, 8);
            writeBytes(out, Double.doubleToLongBits(d), 8);
        } else if (value instanceof Float f) {
            control(out, 15, 4);
            writeBytes(out, Float.floatToIntBits(f), 4);
        } else if (value instanceof Integer || value instanceof Long) {
            encode(out, new Uint(6, ((Number) value).longValue()));
        } else if (value instanceof Uint u) {
            int size = (64 - Long.numberOfLeadingZeros(u.value()) + 7) / 8; // shortest big-endian form
            control(out, u.type(), size);
            writeBytes(out, u.value(), size);
        } else if (value instanceof Boolean b) {
            control(out, 14, b ? 1 : 0);
        } else if (value instanceof Map<?, ?> map) {
            control(out, 7, map.size());
            map.forEach((k, v) -> {
                encode(out, (String) k);
                encode(out, v);
            });
        } else if (value instanceof List<?> list) {
            control(out, 11, list.size());
            list.forEach(v -> encode(out, v));
        } else {
            throw new IllegalArgumentException("no MMDB type for " + value);
        }
    }

    /** Control byte: type in the top 3 bits (0 and an extended type byte for types above 7), size. */
    private static void control(ByteArrayOutputStream out, int type, int size) {
        int head = type <= 7 ? type << 5 : 0;
        if (size < 29) {
            out.write(head | size);
        } else if (size < 29 + 256) {
            out.write(head | 29);
        } else {
            out.write(head | 30);
        }
        if (type > 7) {
            out.write(type - 7);
        }
        if (size >= 29 + 256) {
            writeBytes(out, size - 285, 2); // up to 65,820; enough for tests
        } else if (size >= 29) {
            out.write(size - 29);
        }
    }

    private static void writeBytes(ByteArrayOutputStream out, long value, int count) {
        for (int i = count - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)));
        }
    }
}
