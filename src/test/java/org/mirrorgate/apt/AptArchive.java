package org.mirrorgate.apt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A small real apt repository (one suite, {@code stable}, component {@code main}, amd64) built the way
 * an archive is: {@code .deb} files made by {@code dpkg-deb --build}, indexes and Release by {@code
 * apt-ftparchive}, {@code by-hash} copies of the indexes (old ones kept, as dak keeps them), and
 * InRelease / Release.gpg signed with a throwaway ed25519 key made by gpg in the test's directory.
 */
final class AptArchive {

    static final String SUITE = "stable";
    private static final String INDEX_DIR = "dists/" + SUITE + "/main/binary-amd64/";

    private final Path root;
    private final Path work;
    private final Path gnupg;

    private AptArchive(Path root, Path work) {
        this.root = root;
        this.work = work;
        this.gnupg = work.resolve("gnupg");
    }

    /** @param root the repository tree; @param work build files and the gpg home */
    static AptArchive create(Path root, Path work) throws IOException {
        Files.createDirectories(root);
        Files.createDirectories(work.resolve("gnupg"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        AptArchive a = new AptArchive(root, work);
        a.gpg("--quick-gen-key", "mirrorgate test archive <apt-test@mirrorgate.invalid>", "ed25519", "sign", "2d");
        Commands.check(work, "gpg", "--homedir", a.gnupg.toString(), "--batch", "--yes", "--output",
                a.keyring().toString(), "--export");
        return a;
    }

    Path root() {
        return root;
    }

    /** The public key, for {@code [signed-by=...]}. */
    Path keyring() {
        return work.resolve("archive-key.gpg");
    }

    /** Builds {@code pool/main/<n>/<name>/<name>_<version>_all.deb} with one file of {@code payload}; returns its path. */
    String deb(String name, String version, String payload) throws IOException {
        Path stage = work.resolve("stage-" + name + "-" + version);
        Files.createDirectories(stage.resolve("DEBIAN"));
        Files.createDirectories(stage.resolve("usr/share/" + name));
        Files.writeString(stage.resolve("usr/share/" + name + "/payload"), payload);
        Files.writeString(stage.resolve("DEBIAN/control"), """
                Package: %s
                Version: %s
                Architecture: all
                Maintainer: mirrorgate tests <apt-test@mirrorgate.invalid>
                Description: test package %s
                 served through mirrorgate by the apt integration test.
                """.formatted(name, version, name));
        String rel = "pool/main/" + name.charAt(0) + "/" + name + "/" + name + "_" + version + "_all.deb";
        Files.createDirectories(root.resolve(rel).getParent());
        Commands.check(work, "dpkg-deb", "--root-owner-group", "--build", stage.toString(), root.resolve(rel).toString());
        return rel;
    }

    /**
     * Writes a new generation of the metadata: Packages (+ .gz, .xz) of every .deb under pool/, their
     * by-hash copies (earlier ones stay), Release, InRelease and Release.gpg. The files are written
     * beside and moved into place, indexes first, InRelease last, as an archive tool does.
     */
    void publish() throws IOException {
        Path idx = root.resolve(INDEX_DIR);
        Files.createDirectories(idx.resolve("by-hash/SHA256"));
        Files.createDirectories(idx.resolve("by-hash/SHA512"));
        String packages = Commands.check(root, "apt-ftparchive", "packages", "pool");
        Path tmp = work.resolve("Packages");
        Files.writeString(tmp, packages);
        Commands.check(work, "gzip", "-9nkf", tmp.toString());
        Commands.check(work, "xz", "-kf", tmp.toString());
        for (String name : new String[] {"Packages", "Packages.gz", "Packages.xz"}) {
            Path src = work.resolve(name);
            // apt asks by the strongest hash the Release lists (SHA512 from apt-ftparchive)
            Files.copy(src, idx.resolve("by-hash/SHA256/" + digest("SHA-256", src)), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(src, idx.resolve("by-hash/SHA512/" + digest("SHA-512", src)), StandardCopyOption.REPLACE_EXISTING);
            Files.move(src, idx.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Path suite = root.resolve("dists/" + SUITE);
        String release = Commands.check(root, "apt-ftparchive",
                "-o", "APT::FTPArchive::Release::Origin=mirrorgate-test",
                "-o", "APT::FTPArchive::Release::Suite=" + SUITE,
                "-o", "APT::FTPArchive::Release::Codename=" + SUITE,
                "-o", "APT::FTPArchive::Release::Components=main",
                "-o", "APT::FTPArchive::Release::Architectures=amd64",
                "-o", "APT::FTPArchive::Release::Acquire-By-Hash=yes",
                "release", "dists/" + SUITE);
        Path rel = work.resolve("Release");
        Files.writeString(rel, release);
        gpg("--clearsign", "--output", work.resolve("InRelease").toString(), rel.toString());
        gpg("--armor", "--detach-sign", "--output", work.resolve("Release.gpg").toString(), rel.toString());
        for (String name : new String[] {"Release", "Release.gpg", "InRelease"}) {
            Files.move(work.resolve(name), suite.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Stops the gpg-agent the key generation started. */
    void close() {
        Commands.run(work, java.util.List.of("gpgconf", "--homedir", gnupg.toString(), "--kill", "gpg-agent"));
    }

    private void gpg(String... args) {
        String[] cmd = new String[args.length + 7];
        cmd[0] = "gpg";
        cmd[1] = "--homedir";
        cmd[2] = gnupg.toString();
        cmd[3] = "--batch";
        cmd[4] = "--yes";
        cmd[5] = "--pinentry-mode=loopback";
        cmd[6] = "--passphrase=";
        System.arraycopy(args, 0, cmd, 7, args.length);
        Commands.check(work, cmd);
    }

    static String digest(String algorithm, Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
