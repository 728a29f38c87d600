package io.berth.registry.logs;

import io.berth.registry.iam.Avatar;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Usage-log entries in Quay's JSON shape (quay-api.md §3.10). */
final class LogView {
    /** Quay's dates: RFC 2822 in UTC, written {@code -0000}. */
    private static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss '-0000'", Locale.ENGLISH);

    private LogView() {}

    static String date(OffsetDateTime time) {
        return RFC_2822.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    /**
     * {@code {kind, metadata, ip, datetime, performer?, namespace?}}. Robots and OAuth callers render as users (a
     * robot with {@code is_robot}); anonymous entries have no performer.
     */
    static JsonObject entry(LogRepository.StoredEntry e, boolean withNamespace) {
        var out = new JsonObject()
                .put("kind", e.kind())
                .put("metadata", e.metadata())
                .put("ip", e.ip())
                .put("datetime", date(e.createdAt()));
        if (e.performerName() != null && !e.performerKind().equals("anonymous")) {
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
