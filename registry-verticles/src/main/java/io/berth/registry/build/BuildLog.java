package io.berth.registry.build;

import io.vertx.core.json.JsonObject;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.regex.Pattern;

/** Build-log entries in Quay's shape: {@code {"message", "type"?: "phase"|"command"|"error", "data": {"datetime", …}}}. */
final class BuildLog {
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final Pattern COMMAND = Pattern.compile("^Step \\d+(/\\d+)? :.*", Pattern.DOTALL);

    private BuildLog() {}

    static JsonObject phase(String phase, Map<String, String> data) {
        var entry = entry(phase, "phase");
        if (data != null) data.forEach((k, v) -> entry.getJsonObject("data").put(k, v));
        return entry;
    }

    static JsonObject error(String message) {
        return entry(message, "error");
    }

    /** A line of worker output; {@code Step N/M :} lines are commands, as Quay marks them. */
    static JsonObject output(String message, String type) {
        String kind = type != null ? type : COMMAND.matcher(message).matches() ? "command" : null;
        return entry(message, kind);
    }

    private static JsonObject entry(String message, String type) {
        var entry = new JsonObject().put("message", message);
        if (type != null) entry.put("type", type);
        return entry.put("data", new JsonObject().put("datetime", LocalDateTime.now(ZoneOffset.UTC).format(DATETIME)));
    }
}
