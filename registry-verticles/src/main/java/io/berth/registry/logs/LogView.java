package io.berth.registry.logs;

import io.berth.registry.http.Dates;
import io.berth.registry.iam.Avatar;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Usage-log entries in Quay's JSON shape (quay-api.md §3.10). */
final class LogView {
    private static final java.util.Set<String> PERSONS = java.util.Set.of("user", "robot", "oauth");

    private LogView() {}

    static String date(OffsetDateTime time) {
        return Dates.rfc2822(time);
    }

    /**
     * {@code {kind, metadata, ip, datetime, performer?, namespace?}}. Robots and OAuth callers render as users (a
     * robot with {@code is_robot}); anonymous entries and Berth's own services (garbage collection) have no performer.
     */
    static JsonObject entry(LogRepository.StoredEntry e, boolean withNamespace) {
        var out = new JsonObject()
                .put("kind", e.kind())
                .put("metadata", e.metadata())
                .put("ip", e.ip())
                .put("datetime", date(e.createdAt()));
        if (e.performerName() != null && PERSONS.contains(e.performerKind())) {
            boolean robot = e.performerKind().equals("robot");
            out.put("performer", new JsonObject().put("kind", "user").put("name", e.performerName())
                    .put("is_robot", robot)
                    .put("avatar", Avatar.of(e.performerName(), e.performerEmail(), robot ? "robot" : "user")));
        }
        if (withNamespace && e.namespaceName() != null) {
            String kind = "organization".equals(e.namespaceKind()) ? "org" : "user";
            out.put("namespace", new JsonObject().put("kind", kind).put("name", e.namespaceName())
                    .put("avatar", Avatar.of(e.namespaceName(), e.namespaceEmail(), kind)));
        }
        return out;
    }

    static JsonObject count(LogRepository.DayCount c) {
        return new JsonObject().put("kind", c.kind()).put("count", c.count())
                .put("datetime", date(c.day().atStartOfDay().atOffset(ZoneOffset.UTC)));
    }
}
