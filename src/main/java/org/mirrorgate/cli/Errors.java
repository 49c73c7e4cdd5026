package org.mirrorgate.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.mirrorgate.config.ConfigException;

/** One line an operator can act on, for any failure a command meets. */
final class Errors {
    private Errors() {}

    static String describe(Throwable e) {
        if (e instanceof StatusRuntimeException s) {
            Status st = s.getStatus();
            String hint = switch (st.getCode()) {
                case UNAVAILABLE -> " (is mirrorgate running there? see --target)";
                case UNAUTHENTICATED -> " (pass --token-file with the token from admin.token-file)";
                case DEADLINE_EXCEEDED -> " (the service did not answer in time)";
                default -> "";
            };
            return st.getCode() + ": " + (st.getDescription() == null ? "" : st.getDescription()) + hint;
        }
        if (e instanceof ConfigException) {
            return e.getMessage();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
