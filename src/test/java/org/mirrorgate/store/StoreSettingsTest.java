package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Value checks of the store settings; reading them from YAML is tested by the config package. */
class StoreSettingsTest {

    @Test
    void clusterUrisGiveOneSeedPerNodeWithTheSameCredentials() {
        var seeds = RedisConnections.clusterSeeds("rediss-cluster://u:pw@h1:7000,h2:7001/?timeout=5s");
        assertThat(seeds).hasSize(2);
        assertThat(seeds.get(1).getHost()).isEqualTo("h2");
        assertThat(seeds.get(1).getPort()).isEqualTo(7001);
        assertThat(seeds.get(1).isSsl()).isTrue();
        var credentials = seeds.get(1).getCredentialsProvider().resolveCredentials().block();
        assertThat(credentials.getUsername()).isEqualTo("u");
        assertThat(new String(credentials.getPassword())).isEqualTo("pw");
        assertThat(StoreSettings.redisUriProblem("redis-cluster://h1:7000,h2:7001")).isNull();
    }
}
