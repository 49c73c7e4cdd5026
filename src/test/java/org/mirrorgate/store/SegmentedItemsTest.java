package org.mirrorgate.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedItemsTest {

    @TempDir
    Path dir;

    private MvStoreEngine real;
    private final Keys keys = new Keys("t:");
    private final AtomicBoolean failSwap = new AtomicBoolean();
    private SegmentedItems items;

    @BeforeEach
    void open() {
        real = MvStoreEngine.open(dir.resolve("s.mv"), false, System::currentTimeMillis);
        Engine faulty = (Engine) Proxy.newProxyInstance(Engine.class.getClassLoader(), new Class<?>[] {Engine.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("swap") && failSwap.get()) {
                        throw new StoreUnavailableException("connection lost", null);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        items = new SegmentedItems(faulty, keys, 3, () -> 1_000);
    }

    @AfterEach
    void close() {
        real.close();
    }

    private static List<String> segments(String... values) {
        return List.of(values);
    }

    private Manifest write(List<String> segs) {
        return items.write("t:item", "meta".getBytes(UTF_8), segs.size(), i -> segs.get(i).getBytes(UTF_8));
    }

    private List<String> read() {
        List<String> out = new ArrayList<>();
        items.read("t:item", null, m -> {
            out.clear();
            return (i, data) -> out.add(new String(data, UTF_8));
        });
        return out;
    }

    @Test
    void onlyChangedSegmentsAreWrittenAndTheReplacedOnesDeleted() {
        Manifest first = write(segments("a", "b", "c", "d", "e", "f", "g"));
        Manifest second = write(segments("a", "b", "C", "d", "e", "f", "g", "h"));
        assertThat(second.segmentGenerations()[0]).isEqualTo(first.generation());
        assertThat(second.segmentGenerations()[2]).isEqualTo(second.generation());
        assertThat(second.segmentGenerations()[7]).isEqualTo(second.generation());
        assertThat(real.get(first.segmentKey("t:item", 2))).as("replaced segment deleted").isNull();
        assertThat(read()).containsExactly("a", "b", "C", "d", "e", "f", "g", "h");
        assertThat(real.hashGetAll(keys.pending())).as("no pending notes left").isEmpty();
    }

    @Test
    void segmentsKnownUnchangedSinceTheLastWriteAreNotEvenEncoded() {
        Manifest first = write(segments("a", "b", "c"));
        List<Integer> encoded = new ArrayList<>();
        List<String> next = segments("a", "B", "c");
        Manifest second = items.write("t:item", "meta".getBytes(UTF_8), 3, i -> {
            encoded.add(i);
            return next.get(i).getBytes(UTF_8);
        }, first, i -> i != 1);
        assertThat(encoded).containsExactly(1);
        assertThat(second.segmentGenerations()[0]).isEqualTo(first.generation());
        assertThat(read()).containsExactly("a", "B", "c");
        write(segments("x", "y", "z")); // the store moved on: what we knew no longer counts
        encoded.clear();
        items.write("t:item", "meta".getBytes(UTF_8), 3, i -> {
            encoded.add(i);
            return next.get(i).getBytes(UTF_8);
        }, second, i -> true);
        assertThat(encoded).containsExactly(0, 1, 2);
        assertThat(read()).containsExactly("a", "B", "c");
    }

    @Test
    void aWriterDyingBeforeTheSwitchLeavesTheOldGenerationWholeAndItsSegmentsAreCollected() {
        write(segments("a", "b", "c", "d"));
        failSwap.set(true);
        assertThatThrownBy(() -> write(segments("w", "x", "y", "z"))).isInstanceOf(StoreUnavailableException.class);
        assertThat(read()).containsExactly("a", "b", "c", "d");
        assertThat(real.hashGetAll(keys.pending())).hasSize(4);
        assertThat(items.collectGarbage(0)).isEqualTo(4);
        assertThat(real.hashGetAll(keys.pending())).isEmpty();
        assertThat(read()).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aReadOverlappingAWriteStartsAgainOnTheNewGeneration() {
        write(segments("a", "b", "c", "d", "e"));
        List<String> out = new ArrayList<>();
        AtomicBoolean raced = new AtomicBoolean();
        items.read("t:item", null, m -> {
            out.clear();
            return (i, data) -> {
                out.add(new String(data, UTF_8));
                if (raced.compareAndSet(false, true)) {
                    write(segments("1", "2", "3", "4", "5")); // deletes every old segment
                }
            };
        });
        assertThat(out).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void aWriterOvertakenByAnotherRewritesWhatItReused() {
        write(segments("a", "b", "c", "d"));
        AtomicBoolean overtaken = new AtomicBoolean();
        Manifest mine = items.write("t:item", "meta".getBytes(UTF_8), 4, i -> {
            if (i == 3 && overtaken.compareAndSet(false, true)) {
                write(segments("p", "q", "r", "s")); // deletes a, b, c, d
            }
            return (i == 0 ? "A" : List.of("a", "b", "c", "d").get(i)).getBytes(UTF_8);
        });
        assertThat(read()).containsExactly("A", "b", "c", "d");
        for (long g : mine.segmentGenerations()) {
            assertThat(g).as("nothing reused from the overtaken generation").isEqualTo(mine.generation());
        }
    }

    @Test
    void aMissingSegmentOfTheCurrentGenerationIsReportedAsDamage() {
        Manifest m = write(segments("a", "b"));
        real.delete(List.of(m.segmentKey("t:item", 1)));
        assertThatThrownBy(this::read).isInstanceOf(IllegalStateException.class).hasMessageContaining("missing segment");
    }
}
