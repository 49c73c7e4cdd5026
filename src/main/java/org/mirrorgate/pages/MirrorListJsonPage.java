package org.mirrorgate.pages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code ?mirrorlist=json} (or {@code Accept: application/json}): the same {@link MirrorListView}
 * as the HTML page, as JSON; the map keeps its markers (with latitude and longitude) but not its
 * graticule, which only the SVG needs.
 */
final class MirrorListJsonPage {

    static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MirrorListJsonPage() {}

    static Page render(MirrorListView view) {
        try {
            return new Page(200, JSON, MAPPER.writeValueAsBytes(view), "mirrorlist json", view.file().size());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("mirrorlist view not serializable", e); // a bug: records of plain values
        }
    }
}
