package org.mirrorgate.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * {@code --json} of the read commands: the API's own message in protobuf's JSON mapping, with the
 * .proto field names and every field (false and 0 too), so a script reads what the API documents.
 */
final class JsonOutput {

    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence();

    @Option(names = "--json", description = "Print JSON for scripts (the API's fields, snake_case) instead of text.")
    boolean json;

    static void print(PrintWriter out, MessageOrBuilder message) throws InvalidProtocolBufferException {
        out.println(PRINTER.print(message));
    }
}
