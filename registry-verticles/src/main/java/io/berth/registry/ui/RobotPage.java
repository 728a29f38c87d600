package io.berth.registry.ui;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;

/**
 * The model of a robot's credentials page (robot.peb), which organizations' and users' robots share: every format
 * Quay offers (from {@code RobotService.credentials}) and Regenerate Token. The caller adds where the page leads
 * back to ({@code org}, or none for the user's own robots).
 */
final class RobotPage {
    private RobotPage() {}

    static Map<String, Object> model(RoutingContext ctx, JsonObject credentials) {
        var model = new HashMap<String, Object>();
        model.put("title", credentials.getString("name"));
        model.put("robot", credentials.getString("name"));
        model.put("token", credentials.getString("token"));
        model.put("dockerLogin", credentials.getString("docker_login"));
        model.put("dockerConfig", credentials.getJsonObject("docker_config").encodePrettily());
        model.put("kubernetes", credentials.getString("kubernetes_secret"));
        model.put("rkt", credentials.getJsonObject("rkt").encodePrettily());
        model.put("mesos", credentials.getString("mesos_tarball"));
        model.put("regenerated", ctx.request().getParam("regenerated") != null);
        return model;
    }
}
