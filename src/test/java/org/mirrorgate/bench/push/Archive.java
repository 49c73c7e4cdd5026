package org.mirrorgate.bench.push;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The origin's Debian-shaped archive and its pushes. A push does what dak does before a mirror push:
 * new package versions into {@code pool/} (new names: pool files never change), the index
 * ({@code Packages.xz}) into {@code by-hash/SHA256/} under its new hash, then {@code Packages.xz},
 * {@code Release} and {@code InRelease} rewritten in place (same paths, new bytes), then the files
 * the previous metadata named and this one does not are deleted, and last the archive's trace file
 * {@code project/trace/<master>}. Every published version is kept in memory: clients check what they
 * download against the version their metadata is.
 */
final class Archive {

    static final String SUITE = "dists/bookworm";
    static final String IN_RELEASE = SUITE + "/InRelease";
    static final String INDEX_NAME = "main/binary-amd64/Packages.xz";
    static final String INDEX = SUITE + "/" + INDEX_NAME;
    static final String MASTER = "ftp-master.debian.org";
    static final String TRACE = "project/trace/" + MASTER;
    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** A pool file as an index names it. */
    record Pkg(String name, String path, String sha256, int size) {}

    /** One published state of the archive, as its metadata says. */
    record Version(int serial, long publishedAt, String inReleaseSha, String indexSha, int indexSize,
            String byHashPath, List<Pkg> packages, Set<String> referenced) {}

    private final Path root;
    private final Random random;
    private final int changesPerPush;
    private final Map<String, Integer> packageVersions = new LinkedHashMap<>();
    private final List<Version> versions = new CopyOnWriteArrayList<>();
    private final Map<String, Version> byInRelease = new ConcurrentHashMap<>();
    private final Map<String, Version> byIndex = new ConcurrentHashMap<>();

    Archive(Path root, long seed, int packages, int changesPerPush) {
        this.root = root;
        this.random = new Random(seed);
        this.changesPerPush = changesPerPush;
        for (int i = 0; i < packages; i++) {
            packageVersions.put(String.format("pkg%04d", i), 1);
        }
    }

    Path root() {
        return root;
    }

    /** Publishes the first version (no deletions). */
    synchronized Version init() {
        return publish();
    }

    /** One push: new versions of some packages, a few new packages, metadata rewritten, old files deleted. */
    synchronized Version push() {
        List<String> names = new ArrayList<>(packageVersions.keySet());
        for (int i = 0; i < changesPerPush; i++) {
            String n = names.get(random.nextInt(names.size()));
            packageVersions.merge(n, 1, Integer::sum);
        }
        for (int i = 0; i < Math.max(1, changesPerPush / 5); i++) {
            packageVersions.put(String.format("pkg%04d", packageVersions.size()), 1);
        }
        return publish();
    }

    private Version publish() {
        try {
            long now = System.currentTimeMillis();
            int serial = versions.size();
            List<Pkg> pkgs = new ArrayList<>();
            StringBuilder packages = new StringBuilder();
            for (Map.Entry<String, Integer> e : packageVersions.entrySet()) {
                String name = e.getKey();
                String path = "pool/main/" + name.charAt(0) + "/" + name + "/" + name + "_" + e.getValue() + "_amd64.deb";
                Path file = root.resolve(path);
                byte[] bytes;
                if (Files.exists(file)) {
                    bytes = Files.readAllBytes(file);
                } else {
                    bytes = new byte[1024 + random.nextInt(3072)];
                    random.nextBytes(bytes);
                    write(path, bytes);
                }
                Pkg p = new Pkg(name, path, sha256(bytes), bytes.length);
                pkgs.add(p);
                packages.append("Package: ").append(name).append("\nVersion: ").append(e.getValue())
                        .append("\nArchitecture: amd64\nFilename: ").append(path).append("\nSize: ").append(p.size())
                        .append("\nSHA256: ").append(p.sha256()).append("\n\n");
            }
            byte[] index = xz(packages.toString().getBytes(StandardCharsets.UTF_8));
            String indexSha = sha256(index);
            String byHash = SUITE + "/main/binary-amd64/by-hash/SHA256/" + indexSha;
            write(byHash, index);
            String release = "Origin: Debian\nLabel: Debian\nSuite: stable\nCodename: bookworm\nDate: "
                    + RFC1123.format(Instant.ofEpochMilli(now)) + "\nAcquire-By-Hash: yes\nArchitectures: amd64\n"
                    + "Components: main\nDescription: simulated archive, serial " + serial + "\nSHA256:\n "
                    + indexSha + " " + index.length + " " + INDEX_NAME + "\n";
            byte[] inRelease = ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + release
                    + "-----BEGIN PGP SIGNATURE-----\n\nc2ltdWxhdGVk" + serial + "\n-----END PGP SIGNATURE-----\n")
                    .getBytes(StandardCharsets.UTF_8);
            Set<String> referenced = new HashSet<>();
            pkgs.forEach(p -> referenced.add(p.path()));
            referenced.add(byHash);
            Version previous = versions.isEmpty() ? null : versions.get(versions.size() - 1);
            Version v = new Version(serial, now, sha256(inRelease), indexSha, index.length, byHash, List.copyOf(pkgs),
                    Set.copyOf(referenced));
            // known before any client can read it: the in-place files below are this version's
            versions.add(v);
            byInRelease.put(v.inReleaseSha(), v);
            byIndex.put(indexSha, v);
            write(INDEX, index);
            write(SUITE + "/Release", release.getBytes(StandardCharsets.UTF_8));
            write(IN_RELEASE, inRelease);
            if (previous != null) {
                for (String old : previous.referenced()) {
                    if (!referenced.contains(old)) {
                        Files.deleteIfExists(root.resolve(old));
                    }
                }
            }
            write(TRACE, (RFC1123.format(Instant.ofEpochMilli(now)) + "\nDate: " + RFC1123.format(Instant.ofEpochMilli(now))
                    + "\nArchive serial: " + serial + "\nCreator: simulated dak\n").getBytes(StandardCharsets.UTF_8));
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The version whose InRelease has this SHA-256, or null: bytes the archive never published. */
    Version byInRelease(String sha) {
        return byInRelease.get(sha);
    }

    /** The version that was current at {@code millis} (the first one before it). */
    Version at(long millis) {
        Version out = versions.get(0);
        for (Version v : versions) {
            if (v.publishedAt() <= millis) {
                out = v;
            }
        }
        return out;
    }

    /** A pool file the last push deleted (its metadata no longer names it), or null. */
    String deletedByLastPush() {
        if (versions.size() < 2) {
            return null;
        }
        Set<String> now = current().referenced();
        return versions.get(versions.size() - 2).packages().stream().map(Pkg::path).filter(p -> !now.contains(p))
                .findFirst().orElse(null);
    }

    Version current() {
        return versions.get(versions.size() - 1);
    }

    /** The index entry an InRelease names (sha, size), parsed as apt does from the SHA256 field. */
    static String[] indexEntry(byte[] inRelease) {
        boolean inSha = false;
        for (String line : new String(inRelease, StandardCharsets.UTF_8).split("\n")) {
            if (line.equals("SHA256:")) {
                inSha = true;
            } else if (inSha && line.startsWith(" ")) {
                String[] f = line.trim().split(" +");
                if (f.length == 3 && f[2].equals(INDEX_NAME)) {
                    return f;
                }
            } else {
                inSha = false;
            }
        }
        return null;
    }

    /** Writes a file as dak does: a temporary beside it, then a rename (readers see old or new, whole). */
    private void write(String path, byte[] bytes) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        // named like rsync's temporaries, which the service's walker skips
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + Integer.toString(1_000_000 + random.nextInt(8_000_000), 36));
        Files.write(tmp, bytes);
        tmp.toFile().setReadable(true, false);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static byte[] xz(byte[] plain) throws IOException {
        Process p = new ProcessBuilder("xz", "-c", "-6").start();
        Thread writer = new Thread(() -> {
            try (var out = p.getOutputStream()) {
                out.write(plain);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            writer.join();
            if (p.waitFor() != 0) {
                throw new IOException("xz failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
