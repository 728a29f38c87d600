package io.berth.registry.build;

import io.berth.model.build.BuildPhase;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A build row joined with its repository's path and its starter's name. */
public record BuildRecord(long id, UUID uuid, long repositoryId, long namespaceId, String namespace,
                          String repositoryName, BuildPhase phase, String displayName, JsonObject jobConfig,
                          Long manualUserId, String manualUser, String pullCredentials, int retriesRemaining,
                          boolean cancelRequested, String error, String imageId, JsonObject pushed,
                          OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime completedAt) {

    public String repositoryPath() { return namespace + "/" + repositoryName; }

    /** The phase as the API shows it: an internal error with no tries left is {@code expired}, as in Quay. */
    public BuildPhase shownPhase() {
        return phase == BuildPhase.INTERNAL_ERROR && retriesRemaining == 0 ? BuildPhase.EXPIRED : phase;
    }

    /** Whether nothing more will happen to the build: an internal error with tries left waits for its retry. */
    public boolean finished() {
        return phase == BuildPhase.INTERNAL_ERROR ? retriesRemaining == 0 : phase.terminal();
    }
}
