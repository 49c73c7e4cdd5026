package org.mirrorgate.store;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormatVersionTest {

    @TempDir
    Path dir;

    private MvStoreEngine engine;
    private final Keys keys = new Keys("mg:");
    private final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        engine = MvStoreEngine.open(dir.resolve("f.mv"), false, System::currentTimeMillis);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private FormatVersion.Step step(int from) {
        return new FormatVersion.Step() {
            @Override
            public int from() {
                return from;
            }

            @Override
            public void apply(Engine e, Keys k) {
                log.add(from + "->" + (from + 1) + " holder " + e.lockHolder(k.lease("format")));
            }
        };
    }

    private FormatVersion format(int current) {
        return new FormatVersion(engine, keys, current, List.of(step(1), step(2), step(3)), "me", Duration.ofSeconds(5));
    }

    @Test
    void anEmptyStoreIsInitialisedAtTheCurrentFormatWithAStoreId() {
        String id = format(3).ensure();
        assertThat(id).isNotBlank();
        assertThat(new String(engine.get(keys.format()), US_ASCII)).isEqualTo("3");
        assertThat(log).as("nothing to upgrade").isEmpty();
        assertThat(format(3).ensure()).as("stable").isEqualTo(id);
    }

    @Test
    void anOlderStoreIsUpgradedStepByStepUnderTheFormatLease() {
        engine.put(keys.format(), "1".getBytes(US_ASCII));
        format(4).ensure();
        assertThat(log).containsExactly("1->2 holder me", "2->3 holder me", "3->4 holder me");
        assertThat(new String(engine.get(keys.format()), US_ASCII)).isEqualTo("4");
        assertThat(engine.lockHolder(keys.lease("format"))).as("lease released").isNull();
    }

    @Test
    void aNewerStoreIsRefusedWithAClearMessage() {
        engine.put(keys.format(), "7".getBytes(US_ASCII));
        assertThatThrownBy(() -> format(3).ensure()).isInstanceOf(StoreFormatException.class)
                .hasMessageContaining("format 7").hasMessageContaining("newer mirrorgate")
                .hasMessageContaining("knows formats up to 3");
    }

    @Test
    void aFailingStepStopsTheUpgradeAtTheLastGoodFormat() {
        engine.put(keys.format(), "1".getBytes(US_ASCII));
        FormatVersion.Step broken = new FormatVersion.Step() {
            @Override
            public int from() {
                return 2;
            }

            @Override
            public void apply(Engine e, Keys k) {
                throw new IllegalStateException("disk full");
            }
        };
        FormatVersion f = new FormatVersion(engine, keys, 3, List.of(step(1), broken), "me", Duration.ofSeconds(5));
        assertThatThrownBy(f::ensure).isInstanceOf(StoreFormatException.class).hasMessageContaining("from 2 to 3 failed")
                .hasMessageContaining("disk full");
        assertThat(new String(engine.get(keys.format()), US_ASCII)).isEqualTo("2");
    }

    @Test
    void whileAnotherReplicaUpgradesTheOthersWait() {
        engine.put(keys.format(), "1".getBytes(US_ASCII));
        engine.lock(keys.lease("format"), "other", 300);
        assertThat(format(2).ensure()).isNotBlank(); // waits for the other's lease to expire, then upgrades
        assertThat(log).containsExactly("1->2 holder me");
    }
}
