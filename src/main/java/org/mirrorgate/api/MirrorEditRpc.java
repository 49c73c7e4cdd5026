package org.mirrorgate.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.mirrorgate.api.v1.AddMirrorRequest;
import org.mirrorgate.api.v1.GetMirrorRequest;
import org.mirrorgate.api.v1.MirrorDefinition;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.api.v1.RemoveMirrorRequest;
import org.mirrorgate.api.v1.RemoveMirrorResponse;
import org.mirrorgate.api.v1.UpdateMirrorRequest;
import org.mirrorgate.config.MirrorYaml;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.mirror.MirrorSpec;

/** AddMirror, UpdateMirror, RemoveMirror, GetMirrorDefinition: protos to {@link MirrorEdits} and back. */
final class MirrorEditRpc {

    private final Index index;
    private final MirrorEdits edits;
    private final EventLog events;
    private final MirrorStateWrites durable;

    /** @param edits shared with the other callers that change definitions: it serializes them */
    MirrorEditRpc(Index index, MirrorEdits edits, EventLog events, MirrorStateWrites durable) {
        this.index = index;
        this.edits = edits;
        this.events = events;
        this.durable = durable;
    }

    void add(AddMirrorRequest request, StreamObserver<MirrorInfo> response) {
        MirrorSpec spec;
        try {
            spec = edits.add(request.getDefinition());
        } catch (MirrorEdits.Refused e) {
            response.onError(status(e).asRuntimeException());
            return;
        }
        events.record(spec.name(), "added", "through the admin API (" + (spec.enabled() ? "enabled" : "disabled") + ")");
        answerInfo(spec.name(), "add " + spec.name(), response);
    }

    void update(UpdateMirrorRequest request, StreamObserver<MirrorInfo> response) {
        try {
            edits.update(request.getName(), request.getDefinition(), request.getExpectedVersion());
        } catch (MirrorEdits.Refused e) {
            response.onError(status(e).asRuntimeException());
            return;
        }
        events.record(request.getName(), "changed", "definition replaced through the admin API");
        answerInfo(request.getName(), "update " + request.getName(), response);
    }

    void remove(RemoveMirrorRequest request, StreamObserver<RemoveMirrorResponse> response) {
        try {
            edits.remove(request.getName());
        } catch (MirrorEdits.Refused e) {
            response.onError(status(e).asRuntimeException());
            return;
        }
        DurableAnswer.after(durable.persist(request.getName()), "remove " + request.getName(), response, () -> {
            response.onNext(RemoveMirrorResponse.getDefaultInstance());
            response.onCompleted();
        });
    }

    void definition(GetMirrorRequest request, StreamObserver<MirrorDefinition> response) {
        IndexSnapshot s = index.snapshot();
        int m = MirrorAdminService.position(s, request.getName(), response);
        if (m < 0) {
            return;
        }
        MirrorSpec spec = s.spec(m);
        // an API mirror's switch is its state; a config mirror's definition is the file's
        MirrorSpec shown = spec.origin() == MirrorSpec.Origin.API ? spec.withEnabled(s.state(m).enabled()) : spec;
        response.onNext(MirrorDefinition.newBuilder().setName(spec.name()).setOrigin(spec.origin().label())
                .setYaml(MirrorYaml.write(shown, ProtoMapping::redactUserInfo)).setVersion(MirrorEdits.version(spec))
                .build());
        response.onCompleted();
    }

    private void answerInfo(String name, String change, StreamObserver<MirrorInfo> response) {
        DurableAnswer.after(durable.persist(name), change, response, () -> {
            IndexSnapshot s = index.snapshot();
            int m = s.positionOf(name);
            if (m < 0) { // removed meanwhile by another call
                response.onError(Status.NOT_FOUND.withDescription("mirror: " + name + " (removed meanwhile)")
                        .asRuntimeException());
                return;
            }
            response.onNext(ProtoMapping.mirror(s.spec(m), s.state(m), s.availability(m)));
            response.onCompleted();
        });
    }

    static Status status(MirrorEdits.Refused e) {
        Status s = switch (e.why) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case EXISTS -> Status.ALREADY_EXISTS;
            case UNKNOWN -> Status.NOT_FOUND;
            case CONFIG_MIRROR -> Status.FAILED_PRECONDITION;
            case CHANGED_MEANWHILE -> Status.ABORTED; // gRPC's code for a failed compare-and-set
        };
        return s.withDescription(e.getMessage());
    }
}
