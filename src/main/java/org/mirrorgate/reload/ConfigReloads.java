package org.mirrorgate.reload;

import java.nio.file.Path;

/** Reads the service's config file anew and applies it ({@link ConfigReloader}). */
@FunctionalInterface
public interface ConfigReloads {

    /** For a service built from a parsed config, with no file to read again (tests). */
    ConfigReloads NONE = () -> ReloadReport.refused(Path.of("-"),
            "this service was started without a config file, so there is nothing to read again", 0);

    /** Reads and applies the file; a file that does not load is refused whole and nothing changes. */
    ReloadReport reload();
}
