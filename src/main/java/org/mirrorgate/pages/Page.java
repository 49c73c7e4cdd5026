package org.mirrorgate.pages;

import static java.util.Objects.requireNonNull;

/**
 * A generated body, answered as it is (Resolve's CONTENT action).
 *
 * @param httpStatus the status to answer, 200 or an error such as 404
 * @param contentType media type with charset when text
 * @param body the bytes to send
 * @param reason short stable name of the page (or of why it failed), for logs and metrics
 * @param fileSize bytes of the file the page is about; 0 for an error page
 */
public record Page(int httpStatus, String contentType, byte[] body, String reason, long fileSize) {

    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String METALINK = "application/metalink4+xml";

    public Page {
        requireNonNull(contentType, "contentType");
        requireNonNull(body, "body");
        requireNonNull(reason, "reason");
    }
}
