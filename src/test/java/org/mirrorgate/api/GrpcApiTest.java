package org.mirrorgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorgate.testing.TestMirror.mirror;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.api.v1.Action;
import org.mirrorgate.api.v1.ExplainRequest;
import org.mirrorgate.api.v1.ExplainResponse;
import org.mirrorgate.api.v1.GetMirrorEventsRequest;
import org.mirrorgate.api.v1.GetMirrorRequest;
import org.mirrorgate.api.v1.ListMirrorsRequest;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.api.v1.MirrorAdminGrpc;
import org.mirrorgate.api.v1.ResolveBatchRequest;
import org.mirrorgate.api.v1.ResolveBatchResponse;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.api.v1.ScanMirrorRequest;
import org.mirrorgate.api.v1.Scheme;
import org.mirrorgate.api.v1.SetMirrorEnabledRequest;
import org.mirrorgate.index.Index;
import org.mirrorgate.metrics.ResolveMetrics;
import org.mirrorgate.mirror.AddressFamilies;
import org.mirrorgate.mirror.InMemoryEventLog;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.scan.ScanSettings;
import org.mirrorgate.scan.monitor.MirrorMonitor;

/** The gRPC adapters over the in-process transport: mapping, statuses, admin auth. */
class GrpcApiTest {

    private static final String TOKEN = "0123456789abcdef-token";
    private Server server;
    private ManagedChannel channel;
    private ResolverGrpc.ResolverBlockingStub resolver;
    private MirrorAdminGrpc.MirrorAdminBlockingStub admin;
    private Index index;
    private final InMemoryEventLog events = new InMemoryEventLog(10, () -> 5_000);

    @BeforeEach
    void start() throws Exception {
        index = new Index(List.of(mirror("m1").trusted().in("DE", "EU").build(), mirror("m2").trusted().build()),
                () -> 1_000);
        Resolver r = TestResolvers.withOneFile(index);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new ResolverService(r, new ResolveMetrics(new PrometheusRegistry())))
                .addService(ServerInterceptors.intercept(new MirrorAdminService(index, r, events,
                        new MirrorMonitor(index, events, ScanSettings.DEFAULTS, Map.of(), () -> 1_000)),
                        new AdminAuthInterceptor(TOKEN)))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        resolver = ResolverGrpc.newBlockingStub(channel);
        Metadata md = new Metadata();
        md.put(AdminAuthInterceptor.AUTHORIZATION, "Bearer " + TOKEN);
        admin = MirrorAdminGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void resolveAnswersARedirectWithAlternates() {
        ResolveResponse r = resolver.resolve(ResolveRequest.newBuilder().setPath("/pool/a.deb").setClientIp("2001:db8::1")
                .setScheme(Scheme.HTTPS).build());
        assertThat(r.getAction()).isEqualTo(Action.REDIRECT);
        assertThat(r.getUrl()).matches("https://m[12]\\.example\\.org/debian/pool/a\\.deb");
        assertThat(r.getAlternatesCount()).isEqualTo(1);
        assertThat(r.getAlternates(0).getPriority()).isEqualTo(1);
        assertThat(r.getFileSize()).isEqualTo(42);
    }

    @Test
    void aRedirectOfAHashedFileCarriesTheDigestHeaderValueAndTheMetalinkPath() {
        ResolveResponse r = resolver.resolve(ResolveRequest.newBuilder().setPath("/" + TestResolvers.HASHED)
                .setClientIp("192.0.2.1").setLinkHeader(true).build());
        assertThat(r.getAction()).isEqualTo(Action.REDIRECT);
        assertThat(r.getDigest()).isEqualTo("sha-256=" + java.util.Base64.getEncoder()
                .encodeToString(TestResolvers.HASHED_SHA256));
        assertThat(r.getMetalink()).isEqualTo("/pool/hashed.deb.meta4");
        ResolveResponse unhashed = resolver.resolve(ResolveRequest.newBuilder().setPath("/pool/a.deb")
                .setClientIp("192.0.2.1").setLinkHeader(true).build());
        assertThat(unhashed.getDigest()).isEmpty();
        assertThat(unhashed.getMetalink()).isEmpty();
    }

    @Test
    void acceptPreferringJsonTurnsThePagesIntoJsonAndAnUnknownFileinfoIsA404() {
        for (String query : List.of("mirrorlist", "fileinfo")) {
            ResolveResponse json = resolver.resolve(ResolveRequest.newBuilder().setPath("/pool/a.deb")
                    .setClientIp("192.0.2.1").setQuery(query).setAccept("application/json").build());
            assertThat(json.getContentType()).as(query).isEqualTo("application/json");
            ResolveResponse html = resolver.resolve(ResolveRequest.newBuilder().setPath("/pool/a.deb")
                    .setClientIp("192.0.2.1").setQuery(query).setAccept("text/html,*/*;q=0.8").build());
            assertThat(html.getContentType()).as(query).isEqualTo("text/html; charset=utf-8");
        }
        ResolveResponse unknown = resolver.resolve(ResolveRequest.newBuilder().setPath("/pool/none.deb")
                .setClientIp("192.0.2.1").setQuery("fileinfo").build());
        assertThat(unknown.getAction()).isEqualTo(Action.CONTENT);
        assertThat(unknown.getHttpStatus()).isEqualTo(404);
        assertThat(unknown.getContent().toStringUtf8()).contains("not a file mirrorgate knows");
    }

    @Test
    void resolveWithLinkHeaderAnswersOneRenderedLinkValueInsteadOfAlternates() {
        ResolveResponse r = resolver.resolve(ResolveRequest.newBuilder().setPath("/pool/a.deb").setClientIp("2001:db8::1")
                .setScheme(Scheme.HTTPS).setLinkHeader(true).build());
        assertThat(r.getAction()).isEqualTo(Action.REDIRECT);
        assertThat(r.getAlternatesList()).isEmpty();
        assertThat(r.getLink()).matches("<https://m[12]\\.example\\.org/debian/pool/a\\.deb>; rel=duplicate; pri=1(; geo=de)?")
                .doesNotContain(r.getUrl());
        ResolveBatchResponse batch = resolver.resolveBatch(ResolveBatchRequest.newBuilder()
                .addRequests(ResolveRequest.newBuilder().setPath("/pool/a.deb").setClientIp("192.0.2.1").setLinkHeader(true))
                .addRequests(ResolveRequest.newBuilder().setPath("/pool/a.deb").setClientIp("192.0.2.1"))
                .build());
        assertThat(batch.getResponses(0).getLink()).startsWith("<http://");
        assertThat(batch.getResponses(1).getLink()).isEmpty();
        assertThat(batch.getResponses(1).getAlternatesCount()).isEqualTo(1);
    }

    @Test
    void malformedRequestsGetInvalidArgumentWithTheReason() {
        assertThatThrownBy(() -> resolver.resolve(ResolveRequest.newBuilder().setPath("/../etc/passwd")
                .setClientIp("192.0.2.1").build()))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessage("INVALID_ARGUMENT: path: /../etc/passwd (expected: no '.' or '..' segments)");
        StatusRuntimeException e = (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(() ->
                resolver.resolve(ResolveRequest.newBuilder().setPath("/pool/a.deb").setClientIp("").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("client_ip");
    }

    @Test
    void aBatchIsDecidedRequestByRequestAndOneBadRequestFailsOnlyItself() {
        ResolveBatchResponse r = resolver.resolveBatch(ResolveBatchRequest.newBuilder()
                .addRequests(ResolveRequest.newBuilder().setPath("/pool/a.deb").setClientIp("192.0.2.1"))
                .addRequests(ResolveRequest.newBuilder().setPath("/../x").setClientIp("192.0.2.1"))
                .addRequests(ResolveRequest.newBuilder().setPath("/nope").setClientIp("192.0.2.1"))
                .build());
        assertThat(r.getResponsesList()).extracting(ResolveResponse::getAction)
                .containsExactly(Action.REDIRECT, Action.ACTION_UNSPECIFIED, Action.SERVE_LOCAL);
        assertThat(r.getResponses(1).getReason()).isEqualTo("path: /../x (expected: no '.' or '..' segments)");
        assertThat(r.getResponses(2).getReason()).isEqualTo("not indexed");
        assertThatThrownBy(() -> resolver.resolveBatch(ResolveBatchRequest.getDefaultInstance()))
                .hasMessage("INVALID_ARGUMENT: requests: 0 (expected: 1 .. 1024)");
    }

    @Test
    void explainOfAnIpv6ClientNamesTheIpv4OnlyMirrorAndTheMirrorsShowTheirFamilies() {
        index.updateMirrorState("m1", st -> st.withFamilies(AddressFamilies.IPV4)); // as DNS would have learned it
        ExplainResponse v6 = admin.explain(ExplainRequest.newBuilder().setPath("/pool/a.deb").setClientIp("2001:db8::1").build());
        assertThat(v6.getVerdictsList()).anySatisfy(v -> {
            assertThat(v.getMirror()).isEqualTo("m1");
            assertThat(v.getAccepted()).isFalse();
            assertThat(v.getReason()).isEqualTo("no ipv6");
        });
        assertThat(resolver.resolve(ResolveRequest.newBuilder().setPath("/pool/a.deb").setClientIp("2001:db8::1").build())
                .getUrl()).startsWith("http://m2.");
        ExplainResponse v4 = admin.explain(ExplainRequest.newBuilder().setPath("/pool/a.deb").setClientIp("::ffff:192.0.2.1")
                .build());
        assertThat(v4.getVerdictsList()).allSatisfy(v -> assertThat(v.getAccepted()).isTrue());
        var m1 = admin.getMirror(GetMirrorRequest.newBuilder().setName("m1").build());
        assertThat(m1.getFamilies()).isEqualTo("ipv4");
        assertThat(m1.getFamiliesDeclared()).isFalse();
        assertThat(admin.getMirror(GetMirrorRequest.newBuilder().setName("m2").build()).getFamilies()).isEqualTo("unknown");
    }

    @Test
    void adminListsExplainsAndTogglesMirrors() {
        assertThat(admin.listMirrors(ListMirrorsRequest.getDefaultInstance()).getMirrorsList())
                .extracting(m -> m.getName()).containsExactly("m1", "m2");
        ExplainResponse ex = admin.explain(ExplainRequest.newBuilder().setPath("/pool/a.deb").setClientIp("192.0.2.1").build());
        assertThat(ex.getFile().getSize()).isEqualTo(42);
        assertThat(ex.getPolicy()).isEqualTo("strict (default)");
        assertThat(ex.getVerdictsList()).allSatisfy(v -> assertThat(v.getAccepted()).isTrue());
        assertThat(ex.getVerdicts(0).getProbability() + ex.getVerdicts(1).getProbability()).isEqualTo(1.0);

        admin.setMirrorEnabled(SetMirrorEnabledRequest.newBuilder().setName("m2").setEnabled(false).build());
        ExplainResponse after = admin.explain(ExplainRequest.newBuilder().setPath("/pool/a.deb").setClientIp("192.0.2.1").build());
        assertThat(after.getVerdictsList()).anySatisfy(v -> {
            assertThat(v.getMirror()).isEqualTo("m2");
            assertThat(v.getReason()).isEqualTo("disabled");
        });
        assertThat(admin.getMirrorEvents(GetMirrorEventsRequest.newBuilder().setName("m2").build()).getEvents(0).getKind())
                .isEqualTo("disabled");
        // the largest uint32 limit is "as many as allowed", not a negative int meaning none
        assertThat(admin.getMirrorEvents(GetMirrorEventsRequest.newBuilder().setName("m2").setLimit(-1).build())
                .getEventsList()).extracting(e -> e.getKind()).contains("disabled");
        assertThatThrownBy(() -> admin.getMirror(GetMirrorRequest.newBuilder().setName("nope").build()))
                .hasMessage("NOT_FOUND: mirror: nope (expected: one of [m1, m2])");
    }

    @Test
    void aRunTimeSwitchOfAConfigMirrorIsShownAsAnOverrideUntilCleared() {
        MirrorInfo declared = admin.getMirror(GetMirrorRequest.newBuilder().setName("m1").build());
        assertThat(declared.getOrigin()).isEqualTo("config");
        assertThat(declared.getEnabledOverride()).isFalse();

        MirrorInfo off = admin.setMirrorEnabled(SetMirrorEnabledRequest.newBuilder().setName("m1").setEnabled(false).build());
        assertThat(off.getEnabled()).isFalse();
        assertThat(off.getDeclaredEnabled()).isTrue();
        assertThat(off.getEnabledOverride()).isTrue();
        assertThat(admin.listMirrors(ListMirrorsRequest.getDefaultInstance()).getMirrorsList())
                .filteredOn(MirrorInfo::getEnabledOverride).extracting(MirrorInfo::getName).containsExactly("m1");

        MirrorInfo cleared = admin.setMirrorEnabled(SetMirrorEnabledRequest.newBuilder().setName("m1")
                .setEnabled(false).setClearOverride(true).build());
        assertThat(cleared.getEnabled()).as("clear takes the declared value, whatever enabled says").isTrue();
        assertThat(cleared.getEnabledOverride()).isFalse();
        assertThat(admin.getMirrorEvents(GetMirrorEventsRequest.newBuilder().setName("m1").build()).getEvents(0)
                .getMessage()).contains("override cleared");
    }

    @Test
    void explainSaysAPathTheIndexDoesNotKnowIsLeftToNginx() {
        ExplainResponse ex = admin.explain(ExplainRequest.newBuilder().setPath("/pool/new.deb").setClientIp("192.0.2.1")
                .build());
        assertThat(ex.getDecision().getAction()).isEqualTo(Action.SERVE_LOCAL);
        assertThat(ex.getDecision().getReason()).isEqualTo("not indexed");
        assertThat(ex.hasFile()).isFalse();
        assertThat(ex.getVerdictsList()).isEmpty();
    }

    @Test
    void scanMirrorRefusesUnknownAndTrustedMirrorsWithTheirStatus() {
        assertThatThrownBy(() -> admin.scanMirror(ScanMirrorRequest.newBuilder().setName("nope").build()).hasNext())
                .hasMessage("NOT_FOUND: mirror: nope (expected: one of [m1, m2])");
        assertThatThrownBy(() -> admin.scanMirror(ScanMirrorRequest.newBuilder().setName("m1").build()).hasNext())
                .hasMessage("FAILED_PRECONDITION: mirror m1 is trusted: it is never scanned");
    }

    @Test
    void adminCallsWithoutTheTokenAreRefused() {
        MirrorAdminGrpc.MirrorAdminBlockingStub anonymous = MirrorAdminGrpc.newBlockingStub(channel);
        assertThatThrownBy(() -> anonymous.listMirrors(ListMirrorsRequest.getDefaultInstance()))
                .hasMessageStartingWith("UNAUTHENTICATED: missing metadata 'authorization: Bearer <token>'");
        Metadata md = new Metadata();
        md.put(AdminAuthInterceptor.AUTHORIZATION, "Bearer wrong");
        assertThatThrownBy(() -> anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .listMirrors(ListMirrorsRequest.getDefaultInstance()))
                .hasMessage("UNAUTHENTICATED: wrong admin token");
    }
}
