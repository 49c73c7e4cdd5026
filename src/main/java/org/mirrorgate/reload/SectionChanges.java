package org.mirrorgate.reload;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which settings of a config section differ, named as the file names them: a settings record's
 * components, {@code urlPrefix} read as {@code url-prefix}. Names only, never values: a section may
 * hold a password (the store's) and a report goes to the log and to the caller.
 */
final class SectionChanges {

    private SectionChanges() {}

    /** {@code section.key} for every component that differs, or {@code section} when they are no records. */
    static List<String> between(String section, Object was, Object now) {
        if (Objects.equals(was, now)) {
            return List.of();
        }
        if (was == null || now == null || !was.getClass().isRecord() || was.getClass() != now.getClass()) {
            return List.of(section);
        }
        List<String> keys = new ArrayList<>();
        for (RecordComponent c : was.getClass().getRecordComponents()) {
            try {
                if (!Objects.equals(c.getAccessor().invoke(was), c.getAccessor().invoke(now))) {
                    keys.add(section + "." + kebab(c.getName()));
                }
            } catch (ReflectiveOperationException e) {
                return List.of(section); // a record's public accessor; cannot happen, and the section is still named
            }
        }
        return keys.isEmpty() ? List.of(section) : keys;
    }

    static String kebab(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                b.append('-').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
