package org.mirrorgate.pages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ?fileinfo} (HTML from the {@code fileinfo} template) and {@code ?fileinfo=json}, from one
 * {@link FileInfoView}; for a path that is no file the index knows, a 404 in the same form saying so.
 */
final class FileInfoPage {

    static final String REASON = "fileinfo";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FileInfoPage() {}

    static Page render(PageTemplates templates, FileInfoView view, boolean json) {
        if (json) {
            return new Page(200, MirrorListJsonPage.JSON, bytes(view), REASON + " json", view.size());
        }
        byte[] body = templates.render("fileinfo", view).getBytes(StandardCharsets.UTF_8);
        return new Page(200, MirrorListHtmlPage.HTML, body, REASON + " html", view.size());
    }

    /** The 404 for {@code path}: {@code why} is "not a file mirrorgate knows" or "a directory". */
    static Page unknown(String path, String why, boolean json) {
        if (json) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("path", path);
            m.put("error", why);
            return new Page(404, MirrorListJsonPage.JSON, bytes(m), REASON + " unknown", 0);
        }
        // A fixed page: no template to fail, and the path is the only value, escaped here.
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>No such file</title></head>"
                + "<body><h1>No such file</h1><p><code>" + escape(path) + "</code>: " + escape(why)
                + ".</p></body></html>\n";
        return new Page(404, MirrorListHtmlPage.HTML, html.getBytes(StandardCharsets.UTF_8), REASON + " unknown", 0);
    }

    private static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("fileinfo view not serializable", e); // a bug: records of plain values
        }
    }

    /** The five characters HTML needs escaped in text and in quoted attributes. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
