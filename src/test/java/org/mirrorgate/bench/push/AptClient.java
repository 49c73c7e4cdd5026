package org.mirrorgate.bench.push;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * apt's HTTP as far as the simulation needs it: a GET over HTTP/1.1 from a given loopback source
 * address (so nginx, the hook and GeoIP see a client in some country), redirects followed from the
 * same address, the body read whole. {@code servers} names each port (the origin, each mirror), so
 * the answer says who served the bytes.
 */
final class AptClient {

    /** The last answer of a download: status, body, the server that gave it, redirects followed. */
    record Fetch(int status, byte[] body, String server, int redirects) {}

    private final Map<Integer, String> servers;

    AptClient(Map<Integer, String> servers) {
        this.servers = servers;
    }

    Fetch get(InetAddress source, int port, String path) throws IOException {
        int redirects = 0;
        while (true) {
            Response r = request(source, port, path);
            String server = servers.getOrDefault(port, "port " + port);
            if (r.status / 100 == 3 && r.location != null && redirects < 5) {
                URI next = URI.create(r.location);
                port = next.getPort();
                path = next.getRawPath();
                redirects++;
                continue;
            }
            return new Fetch(r.status, r.body, server, redirects);
        }
    }

    private record Response(int status, String location, byte[] body) {}

    private static Response request(InetAddress source, int port, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUser-Agent: Debian APT-HTTP/1.3 (2.6.1) simulated\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] all = readAll(s.getInputStream());
            int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (end < 0) {
                throw new IOException("no response header from port " + port + " for " + path);
            }
            String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            String location = null;
            long length = -1;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                if (name.equals("location")) {
                    location = value;
                } else if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equals("transfer-encoding")) {
                    throw new IOException("unexpected Transfer-Encoding " + value + " for " + path);
                }
            }
            byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
            if (length >= 0 && body.length != length) {
                throw new IOException("short body for " + path + ": " + body.length + " of " + length);
            }
            return new Response(status, location, body);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }

    private static int indexOf(byte[] a, byte[] b) {
        outer:
        for (int i = 0; i + b.length <= a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
