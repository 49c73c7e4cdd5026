package org.mirrorgate.api;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.mirrorgate.api.v1.Action;
import org.mirrorgate.api.v1.Alternate;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.api.v1.Scheme;
import org.mirrorgate.metrics.ResolveMetrics;
import org.mirrorgate.resolve.Decision;
import org.mirrorgate.resolve.InvalidRequestException;
import org.mirrorgate.resolve.NotReadyException;
import org.mirrorgate.resolve.Resolver;

/** gRPC binding of {@link Resolver}: protos in, a decision out, domain errors to canonical statuses. */
public final class ResolverService extends ResolverGrpc.ResolverImplBase {

    private final Resolver resolver;
    private final ResolveMetrics metrics;

    public ResolverService(Resolver resolver, ResolveMetrics metrics) {
        this.resolver = requireNonNull(resolver, "resolver");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Override
    public void resolve(ResolveRequest request, StreamObserver<ResolveResponse> response) {
        long start = System.nanoTime();
        Decision d;
        try {
            d = resolver.resolve(request.getPath(), request.getClientIp(), request.getScheme() == Scheme.HTTPS,
                    request.getMethod(), request.getQuery());
        } catch (InvalidRequestException e) {
            metrics.invalid();
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (NotReadyException e) {
            metrics.unavailable();
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        metrics.answered(d.action(), System.nanoTime() - start);
        response.onNext(toProto(d));
        response.onCompleted();
    }

    static ResolveResponse toProto(Decision d) {
        ResolveResponse.Builder b = ResolveResponse.newBuilder()
                .setAction(switch (d.action()) {
                    case REDIRECT -> Action.REDIRECT;
                    case SERVE_LOCAL -> Action.SERVE_LOCAL;
                    case NOT_FOUND -> Action.NOT_FOUND;
                    case CONTENT -> Action.CONTENT;
                })
                .setReason(d.reason())
                .setFileSize(d.fileSize());
        if (!d.url().isEmpty()) {
            b.setUrl(d.url()).setMirror(d.mirror());
        }
        for (Decision.Alternate a : d.alternates()) {
            b.addAlternates(Alternate.newBuilder().setUrl(a.url()).setPriority(a.priority())
                    .setCountry(a.country()).setMirror(a.mirror()));
        }
        if (d.action() == Decision.Action.CONTENT) {
            b.setContent(ByteString.copyFrom(d.content())).setContentType(d.contentType()).setHttpStatus(d.httpStatus());
        }
        return b.build();
    }
}
