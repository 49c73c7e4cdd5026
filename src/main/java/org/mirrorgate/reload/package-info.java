/**
 * Config reload without a restart (SIGHUP, the Reload RPC, {@code mirrorgate reload}): the file is
 * read and checked whole, the changes that can take effect while serving (mirrors, fallbacks, path
 * policies, ranking, pages, per-mirror scan settings, GeoIP files) are applied, and the ones that
 * need a restart are named. Depends on config, index, resolve, rank, geo and scan.monitor; only the
 * admin API and the server depend on it.
 */
package org.mirrorgate.reload;
