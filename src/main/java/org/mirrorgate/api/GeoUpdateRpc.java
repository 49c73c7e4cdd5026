package org.mirrorgate.api;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.UnknownHostException;
import org.mirrorgate.api.v1.GeoUpdateMirrorRequest;
import org.mirrorgate.api.v1.GeoUpdateMirrorResponse;
import org.mirrorgate.api.v1.MirrorLocation;
import org.mirrorgate.config.MirrorYaml;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.geo.HostLocation;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.mirror.GeoRelocation;
import org.mirrorgate.mirror.MirrorSpec;

/**
 * GeoUpdateMirror: {@link HostLocation} and {@link GeoRelocation} to protos; an API mirror's change
 * goes through {@link MirrorEdits} as a compare-and-set on the definition it was computed from, so
 * an edit made meanwhile is never undone by a location computed from the older definition.
 */
final class GeoUpdateRpc {

    private final Index index;
    private final MirrorEdits edits;
    private final EventLog events;
    private final MirrorStateWrites durable;
    private final GeoLookup geo;

    GeoUpdateRpc(Index index, MirrorEdits edits, EventLog events, MirrorStateWrites durable, GeoLookup geo) {
        this.index = requireNonNull(index, "index");
        this.edits = requireNonNull(edits, "edits");
        this.events = requireNonNull(events, "events");
        this.durable = requireNonNull(durable, "durable");
        this.geo = requireNonNull(geo, "geo");
    }

    void update(GeoUpdateMirrorRequest request, StreamObserver<GeoUpdateMirrorResponse> response) {
        IndexSnapshot s = index.snapshot();
        int m = MirrorAdminService.position(s, request.getName(), response);
        if (m < 0) {
            return;
        }
        MirrorSpec old = s.spec(m);
        URI url = old.httpsUrl() != null ? old.httpsUrl() : old.httpUrl();
        HostLocation found;
        try {
            found = HostLocation.of(url.getHost(), geo);
        } catch (UnknownHostException e) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("mirror " + old.name() + ": its host "
                    + url.getHost() + " does not resolve (" + e.getMessage() + "); check the URL, or set the location"
                    + " by hand (countries, continent, asns, latitude, longitude)").asRuntimeException());
            return;
        }
        String address = found.address().getHostAddress();
        if (GeoRelocation.knowsNothing(found.location())) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("mirror " + old.name() + ": GeoIP knows nothing"
                    + " of " + address + " (host " + url.getHost() + "); nothing changed: check geoip.city-database"
                    + " and geoip.asn-database, or set the location by hand").asRuntimeException());
            return;
        }
        MirrorSpec next = GeoRelocation.apply(old, found.location());
        boolean changed = !next.equals(old);
        GeoUpdateMirrorResponse.Builder b = GeoUpdateMirrorResponse.newBuilder().setName(old.name())
                .setOrigin(old.origin().label()).setHost(url.getHost()).setAddress(address)
                .setAddressCount(found.addressCount()).setOldLocation(location(old)).setNewLocation(location(next))
                .setChanged(changed).setLocationYaml(MirrorYaml.writeLocation(next));
        if (!changed || request.getDryRun() || old.origin() == MirrorSpec.Origin.CONFIG) {
            response.onNext(b.build());
            response.onCompleted();
            return;
        }
        try {
            // the definition in full (credentials too): it replaces the stored one
            edits.update(old.name(), MirrorYaml.write(next, u -> u), MirrorEdits.version(old));
        } catch (MirrorEdits.Refused e) {
            response.onError(MirrorEditRpc.status(e).asRuntimeException());
            return;
        }
        events.record(old.name(), "changed", "location from GeoIP (" + address + "): "
                + MirrorYaml.writeLocation(next).strip().replaceAll("\\s*\\n\\s*", " "));
        DurableAnswer.after(durable.persist(old.name()), "geoupdate " + old.name(), response, () -> {
            response.onNext(b.setApplied(true).build());
            response.onCompleted();
        });
    }

    static MirrorLocation location(MirrorSpec s) {
        MirrorLocation.Builder b = MirrorLocation.newBuilder().addAllCountryCodes(s.countries())
                .setContinent(s.continent()).setHasCoordinates(s.hasCoordinates());
        s.asns().stream().sorted().forEach(b::addAsns);
        if (s.hasCoordinates()) {
            b.setLatitude(s.latitude()).setLongitude(s.longitude());
        }
        return b.build();
    }
}
