package org.mirrorgate.repo;

/**
 * A refresh that was not done, and why; nothing of it was applied. The admin API maps {@link
 * Kind#BAD_PATH} to INVALID_ARGUMENT, {@link Kind#ROOT_UNAVAILABLE} and {@link Kind#NOT_READY} to
 * FAILED_PRECONDITION.
 */
public final class RefreshRejectedException extends Exception {

    /** Why a refresh was refused. */
    public enum Kind {
        /** One of the paths is outside the root, malformed, excluded, or neither on disk nor indexed. */
        BAD_PATH,
        /** The repository root is missing or unreadable (a mount that went away?). */
        ROOT_UNAVAILABLE,
        /** The scanner is stopping, or this replica does not walk the tree. */
        NOT_READY
    }

    private final Kind kind;

    public RefreshRejectedException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
