package org.mirrorgate.pages;

import static java.util.Objects.requireNonNull;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTML templates of the pages (Mustache, HTML-escaping every {@code {{value}}}): the built-in
 * ones shipped in the jar, and optionally the operator's ({@code pages.templates}, a directory
 * holding files of the same names, e.g. {@code mirrorlist.mustache}). A page the operator's
 * template fails to render (or a template that does not compile) is rendered with the built-in
 * one and logged, at most once a minute, so a broken template never turns into a 5xx or a log flood.
 */
public final class PageTemplates {

    private static final Logger log = LoggerFactory.getLogger(PageTemplates.class);
    private static final String BUILT_IN_ROOT = "org/mirrorgate/pages/templates";
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    /** Only the templates shipped in the jar. */
    public static final PageTemplates BUILT_IN = new PageTemplates(null, System::nanoTime);

    private final DefaultMustacheFactory builtIn = new DefaultMustacheFactory(BUILT_IN_ROOT);
    /** Null when the operator has none. */
    private final DefaultMustacheFactory operator;
    private final Path operatorDir;
    private final LongSupplier nanoClock;
    private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);

    /** @param operatorDir a directory of the operator's templates, or null */
    public PageTemplates(Path operatorDir, LongSupplier nanoClock) {
        if (operatorDir != null && !Files.isDirectory(operatorDir)) {
            throw new IllegalArgumentException("pages.templates: " + operatorDir + " (expected: a directory)");
        }
        this.operatorDir = operatorDir;
        this.operator = operatorDir == null ? null : new DefaultMustacheFactory(operatorDir.toFile());
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        // Compiled now, not on the first page request: that would pay class loading and parsing
        // within the hook's decision budget, and the page would be answered by nginx's fail-open.
        builtIn.compile("mirrorlist.mustache");
        builtIn.compile("fileinfo.mustache");
        builtIn.compile("mirrorstats.mustache");
    }

    /** {@code name}.mustache drawn from {@code scope}: the operator's if it renders, else the built-in. */
    String render(String name, Object scope) {
        String file = name + ".mustache";
        if (operator != null && Files.isRegularFile(operatorDir.resolve(file))) {
            try {
                return execute(operator.compile(file), scope);
            } catch (RuntimeException e) {
                logRateLimited(file, e);
            }
        }
        return execute(builtIn.compile(file), scope);
    }

    private static String execute(Mustache m, Object scope) {
        StringWriter out = new StringWriter(4096);
        m.execute(out, scope);
        return out.toString();
    }

    private void logRateLimited(String file, RuntimeException e) {
        long now = nanoClock.getAsLong();
        long last = lastLogged.get();
        if ((last == Long.MIN_VALUE || now - last >= LOG_EVERY_NANOS) && lastLogged.compareAndSet(last, now)) {
            // WARN: every page is still answered (with the built-in template); the operator fixes the file.
            log.warn("pages.templates: {} failed to render, serving the built-in template instead (logged at most "
                    + "once a minute): {}; fix {} and restart the service (templates are cached once compiled)",
                    file, e.toString(), operatorDir.resolve(file));
        }
    }
}
