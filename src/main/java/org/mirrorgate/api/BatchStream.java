package org.mirrorgate.api;

import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.mirrorgate.api.v1.ResolveBatchRequest;
import org.mirrorgate.api.v1.ResolveBatchResponse;
import org.mirrorgate.metrics.ResolveMetrics;

/**
 * One ResolveStream call: each batch that arrives is decided and answered on the same stream, in
 * order. The Nginx hook's dispatcher sends a batch only after the reply to the previous one, so a
 * batch costs one DATA frame each way instead of a whole call (headers, trailers, a call object and
 * a deadline timer on this side).
 *
 * <p>Bounded: the next batch is read only when the reply could be handed to the transport without
 * queueing ({@code isReady}); a client that sends without reading stalls its own stream under HTTP/2
 * flow control instead of growing a queue here. An error ends the stream with the status
 * ResolveBatch would have answered.
 *
 * <p>grpc-java calls a call's listener methods one at a time (on the transport thread with the
 * direct executor), so the fields need no lock.
 */
final class BatchStream implements StreamObserver<ResolveBatchRequest> {

    /** ResolverService's batch decision. */
    interface Decider {
        ResolveBatchResponse decide(ResolveBatchRequest batch) throws StatusException;
    }

    private final ServerCallStreamObserver<ResolveBatchResponse> replies;
    private final Decider decider;
    private final ResolveMetrics metrics;
    private boolean closed;
    private boolean waitingForReady;

    BatchStream(ServerCallStreamObserver<ResolveBatchResponse> replies, Decider decider, ResolveMetrics metrics) {
        this.replies = replies;
        this.decider = decider;
        this.metrics = metrics;
        replies.disableAutoRequest();
        replies.setOnReadyHandler(this::onReady);
        replies.setOnCancelHandler(this::close);
        metrics.streamOpened();
        replies.request(1);
    }

    @Override
    public void onNext(ResolveBatchRequest batch) {
        if (closed) {
            return;
        }
        ResolveBatchResponse reply;
        try {
            reply = decider.decide(batch);
        } catch (StatusException e) {
            close();
            replies.onError(e);
            return;
        }
        replies.onNext(reply);
        if (replies.isReady()) {
            replies.request(1);
        } else {
            waitingForReady = true;
        }
    }

    private void onReady() {
        if (waitingForReady && !closed) {
            waitingForReady = false;
            replies.request(1);
        }
    }

    /** The client cancelled or its connection went: nothing is owed. */
    @Override
    public void onError(Throwable t) {
        close();
    }

    /** The client half-closed: end the stream cleanly. */
    @Override
    public void onCompleted() {
        if (!closed) {
            close();
            replies.onCompleted();
        }
    }

    private void close() {
        if (!closed) {
            closed = true;
            metrics.streamClosed();
        }
    }
}
