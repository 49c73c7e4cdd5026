package org.mirrorgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorgate.resolve.Decision;

class ResolveMetricsTest {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ResolveMetrics metrics = new ResolveMetrics(registry);

    private double counter(String name, String label, String value) {
        return registry.scrape().stream()
                .filter(s -> s.getMetadata().getPrometheusName().equals(name))
                .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
                .filter(d -> d.getLabels().equals(Labels.of(label, value)))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                .findFirst().orElse(0);
    }

    @Test
    void anAptListIsCountedAsAListRequestNeverAsARedirect() {
        metrics.answered(new Decision(Decision.Action.CONTENT, "", List.of(), new byte[3], "text/plain", 200, "",
                Decision.APT_MIRROR_LIST, 0), 1000);
        metrics.answered(new Decision(Decision.Action.CONTENT, "", List.of(), new byte[3], "text/plain", 200, "",
                "checksum", 0), 1000);
        metrics.answered(new Decision(Decision.Action.REDIRECT, "http://m/x", List.of(), new byte[0], "", 0, "m",
                "mirror", 10), 1000);
        assertThat(counter("mirrorgate_list_requests", "kind", "apt")).as("the checksum page is no list").isEqualTo(1);
        assertThat(counter("mirrorgate_resolves", "action", "content")).isEqualTo(2);
        assertThat(counter("mirrorgate_redirects", "mirror", "m")).isEqualTo(1);
    }
}
