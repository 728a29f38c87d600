package io.berth.registry.build;

import io.berth.model.event.BuildEvent;
import io.berth.registry.config.BerthConfig;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes build events with Quay's payloads for the notification deliverer. Delivery is local to this node: every
 * node that changes a build publishes its own events, so a clustered deliverer sees each event once.
 */
public final class BuildEvents {
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private final Vertx vertx;
    private final BerthConfig config;

    public BuildEvents(Vertx vertx, BerthConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    public void queued(BuildRecord build) {
        var data = base(build);
        data.put("build_id", build.uuid().toString());
        data.put("docker_tags", tags(build));
        data.put("repo", build.repositoryName());
        data.put("is_manual", true);
        data.put("manual_user", build.manualUser());
        publish(BuildEvent.QUEUED, build, data);
    }

    public void started(BuildRecord build) {
        publish(BuildEvent.START, build, common(build));
    }

    /** The end of a finished build: success, failure or cancellation. */
    public void finished(BuildRecord build) {
        var data = common(build);
        switch (build.shownPhase()) {
            case COMPLETE -> {
                data.put("image_id", build.imageId());
                var digests = new JsonArray();
                if (build.pushed() != null) build.pushed().forEach(e -> digests.add(e.getValue()));
                data.put("manifest_digests", digests.getList().stream().distinct().toList());
                publish(BuildEvent.SUCCESS, build, data);
            }
            case CANCELLED -> publish(BuildEvent.CANCELLED, build, data);
            default -> {
                data.put("error_message", build.error());
                publish(BuildEvent.FAILURE, build, data);
            }
        }
    }

    private Map<String, Object> common(BuildRecord build) {
        var data = base(build);
        data.put("build_id", build.uuid().toString());
        data.put("build_name", build.displayName());
        data.put("docker_tags", tags(build));
        data.put("trigger_id", null);
        data.put("trigger_kind", null);
        data.put("trigger_metadata", null);
        return data;
    }

    private Map<String, Object> base(BuildRecord build) {
        var data = new LinkedHashMap<String, Object>();
        data.put("repository", build.repositoryPath());
        data.put("namespace", build.namespace());
        data.put("name", build.repositoryName());
        data.put("docker_url", config.serverHostname() + "/" + build.repositoryPath());
        data.put("homepage", config.baseUrl() + "/repository/" + build.repositoryPath() + "/build/" + build.uuid());
        return data;
    }

    private static Object tags(BuildRecord build) {
        return build.jobConfig().getJsonArray("docker_tags", new JsonArray()).getList();
    }

    private void publish(String event, BuildRecord build, Map<String, Object> data) {
        var message = JsonObject.mapFrom(new BuildEvent(event, build.repositoryId(), build.uuid().toString(), data));
        vertx.eventBus().publish(BuildEvent.ADDRESS, message, LOCAL);
    }
}
