package org.mirrorgate.pages;

import java.nio.charset.StandardCharsets;

/** {@code ?mirrorlist} for browsers: the {@code mirrorlist} template drawn from a {@link MirrorListView}. */
final class MirrorListHtmlPage {

    static final String HTML = "text/html; charset=utf-8";

    private MirrorListHtmlPage() {}

    static Page render(PageTemplates templates, MirrorListView view) {
        byte[] body = templates.render("mirrorlist", view).getBytes(StandardCharsets.UTF_8);
        return new Page(200, HTML, body, "mirrorlist html", view.file().size());
    }
}
