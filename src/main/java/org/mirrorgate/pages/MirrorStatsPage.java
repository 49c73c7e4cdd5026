package org.mirrorgate.pages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/** {@code ?mirrorstats}: the {@code mirrorstats} template, or JSON, drawn from one {@link MirrorStatsView}. */
final class MirrorStatsPage {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MirrorStatsPage() {}

    static Page html(PageTemplates templates, MirrorStatsView view) {
        byte[] body = templates.render("mirrorstats", view).getBytes(StandardCharsets.UTF_8);
        return new Page(200, MirrorListHtmlPage.HTML, body, "mirrorstats html", 0);
    }

    static Page json(MirrorStatsView view) {
        try {
            return new Page(200, MirrorListJsonPage.JSON, MAPPER.writeValueAsBytes(view), "mirrorstats json", 0);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("mirrorstats view not serializable", e); // a bug: records of plain values
        }
    }
}
