package org.mirrorgate.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hostile FTP server: speaks just enough FTP (login, FEAT with MLST, PASV, MLSD) to hand a client
 * the listing bytes a test scripts per directory, however broken or malicious (".." names,
 * absolute paths, endless lines, binary garbage). One client at a time, on a free loopback port.
 */
public final class ScriptedFtpServer implements AutoCloseable {

    private final ServerSocket control;
    private final Map<String, byte[]> listings = new ConcurrentHashMap<>();
    private final Thread thread;

    private ScriptedFtpServer() throws IOException {
        control = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "scripted-ftp");
        thread.setDaemon(true);
    }

    public static ScriptedFtpServer start() {
        try {
            ScriptedFtpServer s = new ScriptedFtpServer();
            s.thread.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What MLSD of {@code dir} ("/", "/sub/") sends on the data connection. */
    public ScriptedFtpServer mlsd(String dir, byte[] listing) {
        listings.put(dir, listing);
        return this;
    }

    public String url() {
        return "ftp://127.0.0.1:" + control.getLocalPort() + "/";
    }

    private void serve() {
        while (!control.isClosed()) {
            try (Socket s = control.accept()) {
                session(s);
            } catch (IOException e) {
                // client gone or server closed; next
            }
        }
    }

    private void session(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        reply(out, "220 scripted");
        ServerSocket pasv = null;
        for (String line; (line = in.readLine()) != null; ) {
            String cmd = line.split(" ", 2)[0].toUpperCase();
            String arg = line.indexOf(' ') > 0 ? line.substring(line.indexOf(' ') + 1) : "";
            switch (cmd) {
                case "USER" -> reply(out, "331 any password");
                case "PASS" -> reply(out, "230 in");
                case "FEAT" -> reply(out, "211-Features:\r\n MLST type*;size*;modify*;\r\n UTF8\r\n211 End");
                case "OPTS", "TYPE" -> reply(out, "200 ok");
                case "SYST" -> reply(out, "215 UNIX Type: L8");
                case "PASV" -> {
                    pasv = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    int p = pasv.getLocalPort();
                    reply(out, "227 Entering Passive Mode (127,0,0,1," + (p >> 8) + "," + (p & 255) + ")");
                }
                case "MLSD" -> {
                    byte[] listing = listings.getOrDefault(arg, new byte[0]);
                    reply(out, "150 here it comes");
                    try (Socket data = pasv.accept()) {
                        data.getOutputStream().write(listing);
                    } catch (IOException e) {
                        // the client hung up mid-listing: fine
                    }
                    pasv.close();
                    reply(out, "226 done");
                }
                case "QUIT" -> {
                    reply(out, "221 bye");
                    return;
                }
                default -> reply(out, "502 not here");
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        try {
            control.close();
        } catch (IOException e) {
            // closing
        }
    }
}
