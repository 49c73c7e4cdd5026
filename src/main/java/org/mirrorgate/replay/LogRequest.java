package org.mirrorgate.replay;

/**
 * One request read from a log, in the form Resolve takes it.
 *
 * @param ip the client's address as logged ("" when the log left it out)
 * @param method "GET", "HEAD", ... ("GET" when the log does not say)
 * @param path the decoded path, as Nginx's {@code $uri} (no query)
 * @param query the raw query without '?', "" for none
 * @param status the logged HTTP status, 0 when the log does not say
 * @param bytes the logged body bytes, -1 when the log does not say
 * @param timeMillis when, in milliseconds since the epoch; {@link #NO_TIME} when the log does not say
 */
record LogRequest(String ip, String method, String path, String query, int status, long bytes, long timeMillis) {

    static final long NO_TIME = Long.MIN_VALUE;

    /**
     * The bytes this request stands for: what the log says was sent when that was the file (a 200 or
     * a 206 of the origin's own log, or a log that gives no status), else the file's size (a 302
     * of the redirector's log: the client fetched it from the mirror); none for HEAD.
     */
    long bytesOr(long fileSize) {
        if (method.equals("HEAD")) {
            return 0;
        }
        return bytes >= 0 && (status == 0 || status == 200 || status == 206) ? bytes : fileSize;
    }
}
