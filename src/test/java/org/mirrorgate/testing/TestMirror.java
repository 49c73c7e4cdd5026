package org.mirrorgate.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mirrorgate.geo.IpPrefix;
import org.mirrorgate.mirror.MirrorSpec;

/** A fluent builder of {@link MirrorSpec} for tests: only what a test cares about is spelled out. */
public final class TestMirror {
    private final String name;
    private String http;
    private String https;
    private final List<String> countries = new ArrayList<>();
    private String continent = "";
    private final Set<Integer> asns = new LinkedHashSet<>();
    private final List<IpPrefix> prefixes = new ArrayList<>();
    private boolean countryOnly;
    private boolean continentOnly;
    private boolean asnOnly;
    private final Set<String> excluded = new LinkedHashSet<>();
    private int score;
    private double capacity = 1;
    private boolean enabled = true;
    private boolean trusted;
    private double lat = Double.NaN;
    private double lon = Double.NaN;

    private TestMirror(String name) {
        this.name = name;
        this.http = "http://" + name + ".example.org/debian/";
        this.https = "https://" + name + ".example.org/debian/";
    }

    private double maxMbps;
    private org.mirrorgate.mirror.AddressFamilies families = org.mirrorgate.mirror.AddressFamilies.UNKNOWN;

    public static TestMirror mirror(String name) {
        return new TestMirror(name);
    }

    public TestMirror httpOnly() {
        https = null;
        return this;
    }

    public TestMirror httpsOnly() {
        http = null;
        return this;
    }

    public TestMirror in(String country, String continent) {
        countries.add(country);
        this.continent = continent;
        return this;
    }

    public TestMirror at(double lat, double lon) {
        this.lat = lat;
        this.lon = lon;
        return this;
    }

    public TestMirror asn(int asn) {
        asns.add(asn);
        return this;
    }

    public TestMirror prefix(String cidr) {
        prefixes.add(IpPrefix.parse(cidr));
        return this;
    }

    public TestMirror countryOnly() {
        countryOnly = true;
        return this;
    }

    public TestMirror continentOnly() {
        continentOnly = true;
        return this;
    }

    public TestMirror asnOnly() {
        asnOnly = true;
        return this;
    }

    public TestMirror excluding(String country) {
        excluded.add(country);
        return this;
    }

    public TestMirror score(int score) {
        this.score = score;
        return this;
    }

    public TestMirror capacity(double capacity) {
        this.capacity = capacity;
        return this;
    }

    public TestMirror maxMbps(double value) {
        this.maxMbps = value;
        return this;
    }

    /** Declares the mirror's address families (unset: learned, unknown until then). */
    public TestMirror families(org.mirrorgate.mirror.AddressFamilies value) {
        this.families = value;
        return this;
    }

    public TestMirror disabled() {
        enabled = false;
        return this;
    }

    public TestMirror trusted() {
        trusted = true;
        return this;
    }

    public MirrorSpec build() {
        return new MirrorSpec(name, http == null ? null : URI.create(http), https == null ? null : URI.create(https),
                null, null, countries, continent, asns, prefixes,
                new MirrorSpec.Restrictions(countryOnly, continentOnly, asnOnly), excluded, score, capacity, enabled,
                trusted, lat, lon).withMaxMbps(maxMbps).withFamilies(families);
    }
}
