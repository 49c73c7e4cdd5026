package org.mirrorgate.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufUtil;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mirrorgate.api.v1.Action;
import org.mirrorgate.api.v1.Alternate;
import org.mirrorgate.api.v1.ResolveBatchRequest;
import org.mirrorgate.api.v1.ResolveBatchResponse;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.api.v1.Scheme;

/**
 * Writes the byte vectors the Lua side is tested against ({@code lua/spec/vectors_spec.lua}): protobuf
 * messages produced and parsed by the generated Java classes, and HPACK header blocks and Huffman strings
 * produced by the Netty encoder grpc-java uses, through its public API only (no reflection into the
 * shaded classes, so a grpc upgrade cannot break the test by moving an internal). The committed copy in {@code src/test/resources/nginx/lua-vectors.jsonl}
 * must equal what this test generates, so a change to the proto or to Netty shows up here first.
 * Regenerate with {@code mvn test -Dtest=LuaVectorsTest -Dmirrorgate.writeVectors=true}.
 */
class LuaVectorsTest {

    static final Path COMMITTED = Path.of("src/test/resources/nginx/lua-vectors.jsonl");
    private static final HexFormat HEX = HexFormat.of();
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> lines = new ArrayList<>();

    @Test
    void committedVectorsEqualWhatTheJavaClassesAndNettyProduce() throws Exception {
        String fresh = render();
        if (Boolean.getBoolean("mirrorgate.writeVectors")) {
            Files.writeString(COMMITTED, fresh);
        }
        assertThat(Files.readString(COMMITTED))
                .as("%s is stale: regenerate with mvn test -Dtest=LuaVectorsTest -Dmirrorgate.writeVectors=true",
                        COMMITTED)
                .isEqualTo(fresh);
    }

    String render() throws Exception {
        requests();
        responses();
        batches();
        hpack();
        return String.join("\n", lines) + "\n";
    }

    private void requests() throws Exception {
        request("https get", ResolveRequest.newBuilder()
                .setPath("/debian/pool/main/h/hello/hello_2.10-3_amd64.deb").setClientIp("192.0.2.1")
                .setScheme(Scheme.HTTPS).setMethod("GET").build());
        request("http head with query", ResolveRequest.newBuilder()
                .setPath("/debian/dists/bookworm/InRelease").setClientIp("2001:db8::1")
                .setScheme(Scheme.HTTP).setMethod("HEAD").setQuery("sha256").build());
        request("https get as the hook sends it, link header asked for", ResolveRequest.newBuilder()
                .setPath("/debian/pool/main/h/hello/hello_2.10-3_amd64.deb").setClientIp("192.0.2.1")
                .setScheme(Scheme.HTTPS).setMethod("GET").setLinkHeader(true).build());
        request("link header alone", ResolveRequest.newBuilder().setLinkHeader(true).build());
        request("a page with the request's Accept header", ResolveRequest.newBuilder()
                .setPath("/debian/pool/main/h/hello/hello_2.10-3_amd64.deb").setClientIp("192.0.2.1")
                .setScheme(Scheme.HTTP).setMethod("GET").setQuery("fileinfo").setLinkHeader(true)
                .setAccept("application/json, text/plain, */*").build());
        request("accept alone", ResolveRequest.newBuilder().setAccept("text/html").build());
        request("accept of 300 bytes", ResolveRequest.newBuilder().setPath("/x").setQuery("mirrorlist")
                .setAccept("text/html;q=0.1, " + "a".repeat(283)).build());
        request("defaults left out", ResolveRequest.newBuilder().setPath("/").setClientIp("10.0.0.1").build());
        request("empty", ResolveRequest.getDefaultInstance());
        request("utf-8 path", ResolveRequest.newBuilder().setPath("/pool/ü/a b+c~d%.deb")
                .setClientIp("127.0.0.1").setScheme(Scheme.HTTP).build());
        // string lengths around the varint boundaries: 127 / 128 bytes, 16383 / 16384 bytes
        for (int len : new int[] {127, 128, 300, 16383, 16384}) {
            request("path of " + len + " bytes", ResolveRequest.newBuilder().setPath("/" + "x".repeat(len - 1))
                    .setClientIp("192.0.2.7").setScheme(Scheme.HTTPS).setMethod("GET")
                    .setQuery("q=" + "y".repeat(len % 50)).build());
            // the hook's usual download (no query, link header asked for), which Lua encodes in one expression
            request("download, path of " + len + " bytes", ResolveRequest.newBuilder()
                    .setPath("/" + "d".repeat(len - 1)).setClientIp("2001:db8::" + len).setScheme(Scheme.HTTP)
                    .setMethod("GET").setLinkHeader(true).build());
        }
    }

    private void request(String name, ResolveRequest r) throws Exception {
        Map<String, Object> v = vector("request", name, r.toByteArray());
        v.put("path", hex(r.getPath()));
        v.put("client_ip", hex(r.getClientIp()));
        v.put("scheme", r.getSchemeValue());
        v.put("method", hex(r.getMethod()));
        v.put("query", hex(r.getQuery()));
        v.put("link_header", r.getLinkHeader());
        v.put("accept", hex(r.getAccept()));
        lines.add(json.writeValueAsString(v));
    }

    private void responses() throws Exception {
        ResolveResponse redirect = ResolveResponse.newBuilder().setAction(Action.REDIRECT)
                .setUrl("https://m1.example.org/debian/pool/main/h/hello/hello_2.10-3_amd64.deb")
                .addAlternates(alt("https://m2.example.org/debian/pool/x.deb", 1, "de", "m2"))
                .addAlternates(alt("https://m3.example.net/pool/x.deb", 2, "", "m3"))
                .addAlternates(alt("https://m4.example.fr/x.deb", 3, "fr", "m4"))
                .setMirror("m1").setReason("nearest mirror").setFileSize(5_000_000_123L).build();
        response("redirect", redirect.toByteArray());
        ResolveResponse linked = ResolveResponse.newBuilder().setAction(Action.REDIRECT)
                .setUrl("https://m1.example.org/debian/pool/main/h/hello/hello_2.10-3_amd64.deb")
                .setLink("<https://m2.example.org/debian/pool/x.deb>; rel=duplicate; pri=1; geo=de, "
                        + "<https://m3.example.net/pool/x.deb>; rel=duplicate; pri=2")
                .setMirror("m1").setReason("nearest mirror").setFileSize(5_000_000_123L).build();
        response("redirect with a rendered link", linked.toByteArray());
        ResolveResponse hashed = linked.toBuilder().setDigest("sha-256=+wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE=")
                .setMetalink("/debian/pool/main/h/hello/hello_2.10-3_amd64.deb.meta4").build();
        response("redirect of a hashed file: digest and metalink", hashed.toByteArray());
        response("digest alone", ResolveResponse.newBuilder().setDigest("sha-256=x").build().toByteArray());
        response("link of 300 bytes", ResolveResponse.newBuilder().setAction(Action.REDIRECT).setUrl("http://m/a")
                .setLink("<http://m/" + "x".repeat(270) + ">; rel=duplicate; pri=1").build().toByteArray());
        response("serve local", ResolveResponse.newBuilder().setAction(Action.SERVE_LOCAL)
                .setReason("path policy local").setFileSize(1234).build().toByteArray());
        response("not found", ResolveResponse.newBuilder().setAction(Action.NOT_FOUND)
                .setReason("unknown path").build().toByteArray());
        byte[] body = new byte[1000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 7);
        }
        response("content", ResolveResponse.newBuilder().setAction(Action.CONTENT)
                .setContent(ByteString.copyFrom(body)).setContentType("text/plain; charset=utf-8")
                .setHttpStatus(404).build().toByteArray());
        response("all defaults", ResolveResponse.getDefaultInstance().toByteArray());
        response("unknown action value", ResolveResponse.newBuilder().setActionValue(7).build().toByteArray());

        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(100, UnknownFieldSet.Field.newBuilder().addVarint(-1L).addFixed32(7)
                        .addFixed64(1L << 40).addLengthDelimited(ByteString.copyFromUtf8("later field"))
                        .addGroup(UnknownFieldSet.newBuilder().addField(1, UnknownFieldSet.Field.newBuilder()
                                .addVarint(3).addLengthDelimited(ByteString.copyFromUtf8("in group")).build())
                                .build())
                        .build())
                .build();
        ResolveResponse withUnknown = redirect.toBuilder().setUnknownFields(unknown)
                .setAlternates(0, redirect.getAlternates(0).toBuilder().setUnknownFields(unknown)).build();
        response("unknown fields of every wire type", withUnknown.toByteArray());

        ResolveResponse second = ResolveResponse.newBuilder().setUrl("https://m9.example.org/x")
                .addAlternates(alt("https://m8.example.org/x", 4, "nl", "m8")).build();
        response("fields repeated by concatenation", concat(redirect.toByteArray(), second.toByteArray()));
        // field 1 (action) with wire type 2 and field 2 (url) with wire type 0: protobuf-java keeps
        // both as unknown fields rather than failing
        response("known fields with the wrong wire type",
                concat(HEX.parseHex("0a0278781005"), ResolveResponse.newBuilder().setAction(Action.NOT_FOUND)
                        .build().toByteArray()));

        ResolveResponse linkedWithUnknown = linked.toBuilder().setUnknownFields(unknown).build();
        response("rendered link and unknown fields of every wire type", linkedWithUnknown.toByteArray());

        // Every prefix of the redirect replies: protobuf-java accepts those that end on a field boundary
        // and rejects the others; Lua must make the same call on each.
        prefixes("", withUnknown.toByteArray());
        prefixes("rendered link, ", linkedWithUnknown.toByteArray());
        prefixes("digest and metalink, ", hashed.toByteArray());
        response("varint of 11 bytes", HEX.parseHex("08ffffffffffffffffffff01"));
        response("wire type 6", HEX.parseHex("0e00"));
        response("wire type 7", HEX.parseHex("0f00"));
        response("end group without start", HEX.parseHex("0c"));
        response("field number 0", HEX.parseHex("0001"));
        response("mismatched end group", HEX.parseHex("a3061c"));
        response("length past the end", HEX.parseHex("12051234"));
    }

    private void prefixes(String name, byte[] full) throws Exception {
        for (int len = 1; len < full.length; len++) {
            response(name + "prefix of " + len + " bytes", java.util.Arrays.copyOf(full, len));
        }
    }

    private static Alternate alt(String url, int priority, String country, String mirror) {
        return Alternate.newBuilder().setUrl(url).setPriority(priority).setCountry(country).setMirror(mirror).build();
    }

    /** A reply vector: the bytes and what protobuf-java parses from them, or "bad" if it refuses them. */
    private void response(String name, byte[] bytes) throws Exception {
        ResolveResponse r;
        try {
            r = ResolveResponse.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            lines.add(json.writeValueAsString(vector("bad response", name, bytes)));
            return;
        }
        Map<String, Object> v = vector("response", name, bytes);
        v.putAll(expect(r));
        lines.add(json.writeValueAsString(v));
    }

    /** What protobuf-java read from a reply (the fields the hook reads), strings as hex. */
    private static Map<String, Object> expect(ResolveResponse r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("action", r.getActionValue());
        v.put("url", hex(r.getUrl()));
        // no "alternates": the hook asks for them rendered (link) and skips field 3 like an unknown one
        v.put("content", HEX.formatHex(r.getContent().toByteArray()));
        v.put("content_type", hex(r.getContentType()));
        v.put("mirror", hex(r.getMirror()));
        v.put("reason", hex(r.getReason()));
        v.put("http_status", r.getHttpStatus());
        v.put("file_size", r.getFileSize());
        v.put("link", hex(r.getLink()));
        v.put("digest", hex(r.getDigest()));
        v.put("metalink", hex(r.getMetalink()));
        return v;
    }

    /** ResolveBatchRequest / ResolveBatchResponse: the repeated fields around the single messages. */
    private void batches() throws Exception {
        ResolveBatchRequest.Builder req = ResolveBatchRequest.newBuilder();
        for (int i = 0; i < 3; i++) {
            req.addRequests(ResolveRequest.newBuilder().setPath("/debian/pool/f" + i + ".deb")
                    .setClientIp("192.0.2." + i).setScheme(i == 1 ? Scheme.HTTPS : Scheme.HTTP).setMethod("GET"));
        }
        req.addRequests(ResolveRequest.getDefaultInstance());
        Map<String, Object> v = vector("batch request", "four requests, the last empty", req.build().toByteArray());
        List<String> items = new ArrayList<>();
        for (ResolveRequest r : req.getRequestsList()) {
            items.add(HEX.formatHex(r.toByteArray()));
        }
        v.put("requests", items);
        lines.add(json.writeValueAsString(v));

        ResolveBatchResponse res = ResolveBatchResponse.newBuilder()
                .addResponses(ResolveResponse.newBuilder().setAction(Action.REDIRECT).setUrl("https://m1.example.org/a")
                        .addAlternates(alt("https://m2.example.org/a", 1, "de", "m2")).setMirror("m1"))
                .addResponses(ResolveResponse.getDefaultInstance())
                .addResponses(ResolveResponse.newBuilder().setAction(Action.REDIRECT).setUrl("https://m1.example.org/b")
                        .setLink("<https://m2.example.org/b>; rel=duplicate; pri=1; geo=de").setMirror("m1"))
                .addResponses(ResolveResponse.newBuilder().setAction(Action.NOT_FOUND).setReason("unknown path"))
                .addResponses(ResolveResponse.newBuilder().setReason("path: '..' segment"))
                .build();
        batchResponse("five responses, one empty, one with a link, one refused request", res.toByteArray());
        batchResponse("no responses", new byte[0]);
        byte[] full = res.toByteArray();
        batchResponse("truncated", java.util.Arrays.copyOf(full, full.length - 3));
    }

    private void batchResponse(String name, byte[] bytes) throws Exception {
        ResolveBatchResponse r;
        try {
            r = ResolveBatchResponse.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            lines.add(json.writeValueAsString(vector("bad batch response", name, bytes)));
            return;
        }
        Map<String, Object> v = vector("batch response", name, bytes);
        List<Map<String, Object>> responses = new ArrayList<>();
        r.getResponsesList().forEach(x -> responses.add(expect(x)));
        v.put("responses", responses);
        lines.add(json.writeValueAsString(v));
    }

    /**
     * Header blocks as grpc-java's Netty encoder writes them once our SETTINGS (header table size 0)
     * arrived: raw strings (Netty's default Huffman threshold) and Huffman-coded ones.
     */
    private void hpack() throws Exception {
        Http2Headers reply = new DefaultHttp2Headers().status("200")
                .add("content-type", "application/grpc").add("grpc-encoding", "identity")
                .add("grpc-accept-encoding", "gzip");
        Http2Headers trailers = new DefaultHttp2Headers().add("grpc-status", "13")
                .add("grpc-message", "boom: %E2%9C%97 not ready");
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        Http2Headers everyByte = new DefaultHttp2Headers(false).add("x-every-byte", new AsciiString(all));
        for (int threshold : new int[] {512, 0}) {
            DefaultHttp2HeadersEncoder enc = new DefaultHttp2HeadersEncoder(
                    Http2HeadersEncoder.NEVER_SENSITIVE, false, 16, threshold);
            enc.maxHeaderTableSize(0);
            String how = threshold == 0 ? "huffman" : "raw";
            headerBlock("reply headers, " + how, enc, reply);
            headerBlock("trailers, " + how, enc, trailers);
            headerBlock("every byte value, " + how, enc, everyByte);
        }
        // Netty only Huffman-codes a string when that makes it shorter: each byte value, the 30-bit
        // codes included, is followed by ten '0' (5-bit code) so that the whole string is shorter
        // coded, and every symbol is covered through the public encoder
        ByteArrayOutputStream mixed = new ByteArrayOutputStream();
        for (int i = 0; i < 256; i++) {
            mixed.write(i);
            mixed.writeBytes("0000000000".getBytes(StandardCharsets.US_ASCII));
        }
        huffman("every byte value", mixed.toByteArray());
        byte[] example = huffman("www.example.com", "www.example.com".getBytes(StandardCharsets.US_ASCII));
        assertThat(HEX.formatHex(example)).as("RFC 7541 C.4.1").isEqualTo("f1e3c2e5f23a6ba0ab90f4ff");
        // the empty string is the empty Huffman string (RFC 7541 5.2); Netty sends it raw
        Map<String, Object> empty = vector("huffman", "empty", new byte[0]);
        empty.put("text", "");
        lines.add(json.writeValueAsString(empty));
        // an encoder that never heard of our SETTINGS indexes names; its second block refers to the
        // dynamic table, which a stateless decoder must refuse
        DefaultHttp2HeadersEncoder stateful = new DefaultHttp2HeadersEncoder();
        encode(stateful, reply);
        Map<String, Object> v = vector("bad hpack", "dynamic table reference", encode(stateful, reply));
        lines.add(json.writeValueAsString(v));
    }

    /**
     * A Huffman vector: the value's string literal as Netty's public HPACK encoder writes it in a header
     * block (literal without indexing, new name, as it encodes with header table size 0), Huffman forced
     * wherever it is shorter (threshold 0); fails unless the value came out Huffman-coded.
     */
    private byte[] huffman(String name, byte[] text) throws Exception {
        DefaultHttp2HeadersEncoder enc = new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, false, 16, 0);
        enc.maxHeaderTableSize(0);
        byte[] block = encode(enc, new DefaultHttp2Headers(false).add("x", new AsciiString(text)));
        // a table size update to 0 (0x20) comes first in the encoder's first block
        int start = block[0] == 0x20 ? 1 : 0;
        assertThat(block[start]).as("literal without indexing, new name").isEqualTo((byte) 0);
        int[] pos = {start + 1};
        stringLiteral(block, pos); // the name
        boolean huffman = (block[pos[0]] & 0x80) != 0;
        byte[] coded = stringLiteral(block, pos);
        assertThat(huffman).as("Netty Huffman-coded %s", name).isTrue();
        assertThat(pos[0]).isEqualTo(block.length);
        Map<String, Object> v = vector("huffman", name, coded);
        v.put("text", HEX.formatHex(text));
        lines.add(json.writeValueAsString(v));
        return coded;
    }

    /** Reads an HPACK string literal (RFC 7541 5.2: H bit, 7-bit prefix length, bytes) at pos[0]. */
    private static byte[] stringLiteral(byte[] block, int[] pos) {
        int p = pos[0];
        int len = block[p++] & 0x7f;
        if (len == 0x7f) { // RFC 7541 5.1: the length continues in 7-bit groups
            int shift = 0;
            int b;
            do {
                b = block[p++] & 0xff;
                len += (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
        }
        pos[0] = p + len;
        return java.util.Arrays.copyOfRange(block, p, p + len);
    }

    private void headerBlock(String name, DefaultHttp2HeadersEncoder enc, Http2Headers headers) throws Exception {
        Map<String, Object> v = vector("hpack", name, encode(enc, headers));
        Map<String, String> expect = new LinkedHashMap<>();
        headers.forEach(e -> expect.put(e.getKey().toString(),
                HEX.formatHex(AsciiString.of(e.getValue()).toByteArray())));
        v.put("headers", expect);
        lines.add(json.writeValueAsString(v));
    }

    private static byte[] encode(DefaultHttp2HeadersEncoder enc, Http2Headers headers) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        enc.encodeHeaders(1, headers, buf);
        byte[] out = ByteBufUtil.getBytes(buf);
        buf.release();
        return out;
    }

    private static Map<String, Object> vector(String kind, String name, byte[] bytes) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("kind", kind);
        v.put("name", name);
        v.put("hex", HEX.formatHex(bytes));
        return v;
    }

    private static String hex(String s) {
        return HEX.formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
