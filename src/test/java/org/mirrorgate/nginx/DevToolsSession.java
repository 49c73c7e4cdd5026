package org.mirrorgate.nginx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One headless chromium page driven through the DevTools protocol (a WebSocket, the JDK's client):
 * navigate, evaluate, and click with real mouse events, so a page's own JavaScript handlers run
 * as they do for a user. Console errors and uncaught exceptions are collected ({@link #errors}).
 * The browser is started by {@link HeadlessChromium#devTools}, with its black-hole proxy.
 */
final class DevToolsSession implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

    DevToolsSession(List<String> command, Path stderrCopy) throws IOException, InterruptedException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        int port = -1;
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line; port < 0 && System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            }
        }
        if (port < 0) {
            process.destroyForcibly();
            throw new IllegalStateException("chromium printed no DevTools address: " + seen);
        }
        Thread drain = new Thread(() -> {
            try (out) {
                for (String line; (line = out.readLine()) != null; ) {
                    Files.writeString(stderrCopy, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                // the browser is gone: nothing more to copy
            }
        }, "chromium-output");
        drain.setDaemon(true);
        drain.start();
        HttpClient http = HttpClient.newHttpClient();
        String wsUrl = null;
        while (wsUrl == null && System.nanoTime() < deadline) {
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode t : JSON.readTree(list.body())) {
                if (t.path("type").asText().equals("page")) {
                    wsUrl = t.path("webSocketDebuggerUrl").asText();
                }
            }
        }
        socket = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), new Listener()).join();
        call("Runtime.enable", JSON.createObjectNode());
        call("Page.enable", JSON.createObjectNode());
    }

    /** Loads {@code url} and waits until the document is complete. */
    void navigate(String url) {
        CompletableFuture<Void> loaded = new CompletableFuture<>();
        this.loaded = loaded;
        call("Page.navigate", JSON.createObjectNode().put("url", url));
        try {
            loaded.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("page not loaded within 30 s: " + url, e);
        }
    }

    /** The value of a JavaScript expression (JSON-serializable). */
    JsonNode evaluate(String expression) {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("evaluating " + expression + ": " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** A real mouse click (pressed, released) at the centre of the element {@code selector} matches. */
    void click(String selector) {
        JsonNode box = evaluate("(function(){var r=document.querySelector(" + JSON.valueToTree(selector)
                + ").getBoundingClientRect();return [r.left+r.width/2,r.top+r.height/2];})()");
        for (String type : List.of("mousePressed", "mouseReleased")) {
            call("Input.dispatchMouseEvent", JSON.createObjectNode().put("type", type).put("x", box.get(0).asDouble())
                    .put("y", box.get(1).asDouble()).put("button", "left").put("clickCount", 1));
        }
    }

    /** Console errors and uncaught exceptions seen so far. */
    List<String> errors() {
        return new ArrayList<>(errors);
    }

    private JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(msg.toString(), true).join();
        try {
            JsonNode r = answer.get(30, TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new IllegalStateException(method + ": " + r.get("error"));
            }
            return r.path("result");
        } catch (Exception e) {
            throw new IllegalStateException(method + " unanswered: " + e, e);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                handle(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private void handle(String message) {
            try {
                JsonNode m = JSON.readTree(message);
                if (m.has("id")) {
                    CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                    if (f != null) {
                        f.complete(m);
                    }
                } else if (m.path("method").asText().equals("Runtime.exceptionThrown")) {
                    errors.add("exception: " + m.at("/params/exceptionDetails"));
                } else if (m.path("method").asText().equals("Runtime.consoleAPICalled")
                        && m.at("/params/type").asText().matches("error|assert")) {
                    errors.add("console." + m.at("/params/type").asText() + ": " + m.at("/params/args"));
                } else if (m.path("method").asText().equals("Page.loadEventFired")) {
                    loaded.complete(null);
                }
            } catch (IOException e) {
                errors.add("unreadable DevTools message: " + message);
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser is stopped below either way
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
