package org.mirrorgate.resolve;

import java.util.List;
import org.mirrorgate.pages.AptMirrorLists;

/**
 * What Resolve decided for one request; the gRPC adapter maps it to a ResolveResponse one to one.
 *
 * @param url REDIRECT: absolute URL; "" otherwise
 * @param alternates REDIRECT: other mirrors holding the file, best first
 * @param content CONTENT: the body; empty otherwise
 * @param contentType CONTENT: media type; "" otherwise
 * @param httpStatus CONTENT: status to answer; 0 otherwise
 * @param mirror REDIRECT: mirror or fallback name; "" otherwise
 * @param reason short stable explanation for logs and metrics
 * @param fileSize bytes, 0 when the path is not a file
 * @param sha256 REDIRECT of a file whose SHA-256 is known: the 32 raw bytes (for the Digest header);
 *     null otherwise
 * @param metalink when {@code sha256} is set: the percent-encoded request path of the file's
 *     Metalink ({@code <url-prefix><file>.meta4}, for its Link rel=describedby); "" otherwise
 */
public record Decision(
        Action action,
        String url,
        List<Alternate> alternates,
        byte[] content,
        String contentType,
        int httpStatus,
        String mirror,
        String reason,
        long fileSize,
        byte[] sha256,
        String metalink) {

    /** A decision without a digest (everything but a redirect of a hashed file). */
    public Decision(Action action, String url, List<Alternate> alternates, byte[] content, String contentType,
            int httpStatus, String mirror, String reason, long fileSize) {
        this(action, url, alternates, content, contentType, httpStatus, mirror, reason, fileSize, null, "");
    }

    public enum Action { REDIRECT, SERVE_LOCAL, NOT_FOUND, CONTENT }

    /** An RFC 6249 alternate: {@code Link: <url>; rel=duplicate; pri=N; geo=cc}. */
    public record Alternate(String url, int priority, String country, String mirror) {}

    /**
     * SERVE_LOCAL reason for a path the index does not hold (added since the last local walk, or
     * absent): nginx serves it from its root, or answers its own 404.
     */
    public static final String NOT_INDEXED = "not indexed";

    /**
     * SERVE_LOCAL reasons for a file the last local walk found missing, which no mirror may serve,
     * begin with this: the disk nginx reads is newer than the walk, so nginx decides.
     */
    public static final String DELETED = "deleted";

    /**
     * SERVE_LOCAL reason for a path outside {@code repository.url-prefix}: nginx passed it through
     * the hook, so it serves it as it would without mirrorgate (a prefix that disagrees with the
     * nginx location is logged by the resolver and counted).
     */
    public static final String OUTSIDE_PREFIX = "outside url-prefix";

    /**
     * CONTENT reason of apt's mirror-method list: a list request, not a download (the metrics
     * count it apart, the download statistics as a list).
     */
    public static final String APT_MIRROR_LIST = AptMirrorLists.REASON;

    private static final byte[] NO_BYTES = new byte[0];

    static Decision redirect(String url, List<Alternate> alternates, String mirror, String reason, long size) {
        return new Decision(Action.REDIRECT, url, alternates, NO_BYTES, "", 0, mirror, reason, size);
    }

    /** A redirect of a file whose SHA-256 is known (null: not known, and {@code metalink} is ignored). */
    static Decision redirect(String url, List<Alternate> alternates, String mirror, String reason, long size,
            byte[] sha256, String metalink) {
        return new Decision(Action.REDIRECT, url, alternates, NO_BYTES, "", 0, mirror, reason, size, sha256,
                sha256 == null ? "" : metalink);
    }

    static Decision serveLocal(String reason, long size) {
        return new Decision(Action.SERVE_LOCAL, "", List.of(), NO_BYTES, "", 0, "", reason, size);
    }

    static Decision notFound(String reason) {
        return new Decision(Action.NOT_FOUND, "", List.of(), NO_BYTES, "", 0, "", reason, 0);
    }

    static Decision content(int status, String contentType, byte[] body, String reason, long size) {
        return new Decision(Action.CONTENT, "", List.of(), body, contentType, status, "", reason, size);
    }
}
