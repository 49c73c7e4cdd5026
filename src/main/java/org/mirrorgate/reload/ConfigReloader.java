package org.mirrorgate.reload;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mirrorgate.config.ConfigException;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.geo.GeoLookups;
import org.mirrorgate.index.Index;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.resolve.LiveResolver;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the config file again and applies what can change while serving: the mirrors of the file
 * ({@link DeclaredMirrors}), their scan overrides, fallbacks, path policies, ranking and pages (the
 * operator's templates read anew), and GeoIP files replaced on disk. Settings that need a restart
 * (where the service listens, the store, the repository, the {@code resolve:} keys that shape the
 * request path, counting, the download log, which GeoIP files) are named in the report and keep
 * their running values until then.
 *
 * <p>All or nothing: the file is parsed and checked whole, and the new resolver built, before
 * anything changes; a file that does not load, or declares a name the admin API holds, changes
 * nothing. Then the mirror set is published in one step and the resolver swapped in one step
 * ({@link LiveResolver}), so a request is decided wholly by the old config or the new one.
 * Serialized: one reload at a time.
 */
public final class ConfigReloader implements ConfigReloads {

    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final Path file;
    private final Index index;
    private final LiveResolver resolver;
    private final MirrorMonitor monitor;
    private final GeoLookup geo;
    /** What is in effect: the file's reloadable parts as last applied, the rest as the service started. */
    private MirrorgateConfig running;

    public ConfigReloader(Path file, MirrorgateConfig running, Index index, LiveResolver resolver,
            MirrorMonitor monitor, GeoLookup geo) {
        this.file = requireNonNull(file, "file");
        this.running = requireNonNull(running, "running");
        this.index = requireNonNull(index, "index");
        this.resolver = requireNonNull(resolver, "resolver");
        this.monitor = requireNonNull(monitor, "monitor");
        this.geo = requireNonNull(geo, "geo");
    }

    @Override
    public synchronized ReloadReport reload() {
        long started = System.nanoTime();
        MirrorgateConfig next;
        try {
            next = ConfigLoader.load(file);
        } catch (ConfigException e) {
            return refused(String.join("; ", e.problems()), started);
        } catch (IOException | RuntimeException e) {
            return refused(e.getMessage(), started);
        }
        // Everything that can fail is built before anything changes.
        Resolver retuned;
        try {
            retuned = resolver.get().retuned(new Ranker(next.rank()), next.policies(), next.fallbacks(), next.pages());
        } catch (RuntimeException e) {
            return refused("the new ranking or pages cannot be used: " + e.getMessage(), started);
        }
        DeclaredMirrors mirrors = new DeclaredMirrors(next.mirrors());
        try {
            index.editMirrors(mirrors::apply);
        } catch (DeclaredMirrors.Conflict e) {
            return refused(e.getMessage(), started);
        }
        resolver.swap(retuned);
        monitor.retune(next.mirrorScans());

        List<String> applied = new ArrayList<>(mirrors.changes);
        next.mirrorScans().forEach((name, scan) -> { // an added or removed mirror is named above already
            if (running.mirrorScans().containsKey(name) && !running.mirrorScans().get(name).equals(scan)) {
                applied.add("mirror " + name + ": scan settings changed (from its next scan)");
            }
        });
        addChanged(applied, "fallbacks", running.fallbacks(), next.fallbacks());
        addChanged(applied, "policies", running.policies(), next.policies());
        applied.addAll(SectionChanges.between("resolve", running.rank(), next.rank())); // the ranking keys
        applied.addAll(SectionChanges.between("pages", running.pages(), next.pages()));
        if (next.pages().templates() != null) {
            applied.add("pages.templates: read anew from " + next.pages().templates());
        }
        String geoFiles = GeoLookups.reopenReplaced(geo);
        if (geoFiles != null) {
            applied.add(geoFiles);
        }
        List<String> needsRestart = restartOnly(running, next);
        running = inEffect(running, next);
        long took = (System.nanoTime() - started) / 1_000_000;
        log.info("config reloaded from {} in {} ms: {}{}", file, took, applied,
                needsRestart.isEmpty() ? "" : "; these need a restart and keep their running values: " + needsRestart);
        return new ReloadReport(file, applied, needsRestart, List.copyOf(mirrors.touched), null, took);
    }

    private ReloadReport refused(String why, long started) {
        log.warn("config reload refused, the running config stays: {}", why);
        return ReloadReport.refused(file, why, (System.nanoTime() - started) / 1_000_000);
    }

    private static void addChanged(List<String> applied, String what, Object was, Object now) {
        if (!was.equals(now)) {
            applied.add(what + ": changed");
        }
    }

    /** The keys that changed in the file but take effect only at the next start. */
    static List<String> restartOnly(MirrorgateConfig was, MirrorgateConfig now) {
        List<String> keys = new ArrayList<>();
        keys.addAll(SectionChanges.between("repository", was.repository().scan(), now.repository().scan()));
        keys.addAll(SectionChanges.between("listen", was.listen(), now.listen()));
        if (!java.util.Objects.equals(was.adminTokenFile(), now.adminTokenFile())) {
            keys.add("admin.token-file");
        }
        keys.addAll(SectionChanges.between("resolve", was.resolve(), now.resolve()));
        keys.addAll(SectionChanges.between("geoip", was.geo(), now.geo()));
        keys.addAll(SectionChanges.between("scan", was.scan(), now.scan()));
        keys.addAll(SectionChanges.between("store", was.store(), now.store()));
        keys.addAll(SectionChanges.between("downloads", was.counting(), now.counting()));
        keys.addAll(SectionChanges.between("downloads", was.downloadLog(), now.downloadLog()));
        return keys;
    }

    /** The reloadable parts from {@code now}, the rest as they run. */
    private static MirrorgateConfig inEffect(MirrorgateConfig was, MirrorgateConfig now) {
        return new MirrorgateConfig(was.repository(), was.listen(), was.adminTokenFile(), was.resolve(), now.rank(),
                was.geo(), now.policies(), now.fallbacks(), now.mirrors(), was.scan(), now.mirrorScans(), was.store(),
                now.pages(), was.counting(), was.downloadLog());
    }
}
