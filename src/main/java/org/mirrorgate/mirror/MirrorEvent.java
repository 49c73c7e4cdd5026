package org.mirrorgate.mirror;

/**
 * One entry of a mirror's event log.
 *
 * @param timeMillis epoch millis
 * @param kind "added", "enabled", "disabled", "up", "down", "scan", "scan-failed", "trace", "error"
 * @param message human-readable detail (reason, protocol, scan summary)
 */
public record MirrorEvent(long timeMillis, String kind, String message) {}
