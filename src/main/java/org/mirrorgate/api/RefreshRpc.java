package org.mirrorgate.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.mirrorgate.api.v1.RefreshRepositoryRequest;
import org.mirrorgate.api.v1.RefreshRepositoryResponse;
import org.mirrorgate.repo.RefreshRejectedException;
import org.mirrorgate.repo.RefreshSummary;
import org.mirrorgate.repo.RepositoryIndexer;

/**
 * RefreshRepository: runs the refresh off the transport threads (a whole walk takes seconds to
 * minutes; refreshes are serialised with walks anyway). One runs at a time, 16 more may wait;
 * beyond that RESOURCE_EXHAUSTED instead of queueing without bound.
 */
final class RefreshRpc {

    private final Supplier<RepositoryIndexer> indexer;
    private final ExecutorService executor = new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(16), r -> {
                Thread t = new Thread(r, "mirrorgate-refresh");
                t.setDaemon(true);
                return t;
            });

    /** @param indexer the indexer walking the tree on this replica, or null when another replica walks */
    RefreshRpc(Supplier<RepositoryIndexer> indexer) {
        this.indexer = indexer;
    }

    void refresh(RefreshRepositoryRequest request, StreamObserver<RefreshRepositoryResponse> response) {
        ServerCallStreamObserver<RefreshRepositoryResponse> out =
                (ServerCallStreamObserver<RefreshRepositoryResponse>) response;
        try {
            executor.execute(() -> run(request, out));
        } catch (RejectedExecutionException e) {
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many refreshes waiting; try again later")
                    .asRuntimeException());
        }
    }

    private void run(RefreshRepositoryRequest request, ServerCallStreamObserver<RefreshRepositoryResponse> out) {
        RepositoryIndexer target = indexer.get();
        if (target == null) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("this replica does not walk the repository "
                    + "(another one holds the walk lease); ask that one").asRuntimeException());
            return;
        }
        try {
            RefreshSummary s = target.refresh(request.getPathsList());
            out.onNext(RefreshRepositoryResponse.newBuilder().setFullWalk(s.fullWalk()).setAdded(s.added())
                    .setChanged(s.changed()).setDeleted(s.deleted()).addAllAddedPaths(s.addedPaths())
                    .addAllChangedPaths(s.changedPaths()).addAllDeletedPaths(s.deletedPaths())
                    .setSnapshotVersion(s.snapshotVersion()).setDurationMillis(s.duration().toMillis()).build());
            out.onCompleted();
        } catch (RefreshRejectedException e) {
            Status status = switch (e.kind()) {
                case BAD_PATH -> Status.INVALID_ARGUMENT;
                case ROOT_UNAVAILABLE, NOT_READY -> Status.FAILED_PRECONDITION;
            };
            out.onError(status.withDescription(e.getMessage()).asRuntimeException());
        } catch (RuntimeException e) {
            out.onError(Status.INTERNAL.withDescription("refresh failed: " + e).asRuntimeException());
        }
    }

    void shutdown() {
        executor.shutdownNow();
    }
}
