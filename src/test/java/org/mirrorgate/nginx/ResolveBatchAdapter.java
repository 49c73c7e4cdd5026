package org.mirrorgate.nginx;

import static java.util.Objects.requireNonNull;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.mirrorgate.api.v1.ResolveBatchRequest;
import org.mirrorgate.api.v1.ResolveBatchResponse;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.api.v1.ResolverGrpc;

/**
 * ResolveBatch for a Resolver binding that only has Resolve (the service's ResolverService until it
 * implements the batch itself): each entry goes through the binding's own {@code resolve}, so it is
 * decided, counted and mapped exactly as a single call. INVALID_ARGUMENT of an entry becomes that
 * entry's response (ACTION_UNSPECIFIED with the description as reason); any other error fails the batch.
 * Requires a binding that answers synchronously, as ResolverService does (direct executor, in memory).
 */
final class ResolveBatchAdapter implements BindableService {

    private final ResolverGrpc.ResolverImplBase single;

    ResolveBatchAdapter(ResolverGrpc.ResolverImplBase single) {
        this.single = requireNonNull(single, "single");
    }

    @Override
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition bound = single.bindService();
        return ServerServiceDefinition.builder(ResolverGrpc.SERVICE_NAME)
                .addMethod(bound.getMethod(ResolverGrpc.getResolveMethod().getFullMethodName()))
                .addMethod(ResolverGrpc.getResolveBatchMethod(), ServerCalls.asyncUnaryCall(this::resolveBatch))
                .build();
    }

    private void resolveBatch(ResolveBatchRequest request, StreamObserver<ResolveBatchResponse> out) {
        if (request.getRequestsCount() == 0 || request.getRequestsCount() > 1024) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("requests: " + request.getRequestsCount()
                    + " (expected: 1 .. 1024)").asRuntimeException());
            return;
        }
        ResolveBatchResponse.Builder res = ResolveBatchResponse.newBuilder();
        for (ResolveRequest r : request.getRequestsList()) {
            Collector c = new Collector();
            single.resolve(r, c);
            if (c.error != null) {
                if (c.error.getCode() != Status.Code.INVALID_ARGUMENT) {
                    out.onError(c.error.asRuntimeException());
                    return;
                }
                res.addResponses(ResolveResponse.newBuilder().setReason(String.valueOf(c.error.getDescription())));
            } else {
                res.addResponses(requireNonNull(c.value, "resolve answered nothing"));
            }
        }
        out.onNext(res.build());
        out.onCompleted();
    }

    /** Receives one synchronous Resolve answer. */
    private static final class Collector implements StreamObserver<ResolveResponse> {
        ResolveResponse value;
        Status error;

        @Override
        public void onNext(ResolveResponse v) {
            value = v;
        }

        @Override
        public void onError(Throwable t) {
            error = t instanceof StatusRuntimeException e ? e.getStatus() : Status.fromThrowable(t);
        }

        @Override
        public void onCompleted() {
        }
    }
}
