package org.mirrorgate.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code lua/run-tests.sh} (luacheck with std ngx_lua, then the busted specs) as part of
 * {@code mvn verify}, so the Lua is linted and unit-tested wherever the Java suite runs.
 */
class LuaSuiteIT {

    @Test
    void luacheckIsCleanAndTheBustedSpecsPass() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/luacheck")) && Files.isExecutable(Path.of("/usr/bin/busted")),
                "needs Debian's lua-check and lua-busted (apt-get install lua-check lua-busted)");
        Path script = NginxHarness.projectDir().resolve("lua/run-tests.sh");
        Process p = new ProcessBuilder(script.toString(), "--output=plainTerminal").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains(" 0 failures / 0 errors");
    }
}
