package io.berth.registry.logs;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Identity;
import io.berth.registry.config.UsageLogConfig;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * Quay's usage-log API (quay-api.md §3.10): {@code logs}, {@code aggregatelogs} and {@code exportlogs} of a repository,
 * an organization and the caller's own namespace, and the superuser's view of every namespace; plus the download of
 * an export at {@code /exportedlogs/<file id>}.
 */
public final class LogsApi {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy");
    /** Without dates, Berth shows the last week (Quay: the last day). */
    private static final int DEFAULT_DAYS = 7;

    private final LogService service;
    private final UsageLogConfig config;

    public LogsApi(LogService service, UsageLogConfig config) {
        this.service = service;
        this.config = config;
    }

    /** Mounts the API routes; mount before the repository routes, whose nested names would swallow {@code /logs}. */
    public void mount(Router api) {
        String repo = "/repository/(?<namespace>[^/]+)/(?<name>.+)";
        mount(api, repo, ctx -> service.repository(ApiAuth.identity(ctx), repositoryName(ctx)), true);
        mount(api, "/organization/(?<org>[^/]+)", ctx -> service.organization(ApiAuth.identity(ctx), ctx.pathParam("org")), true);
        mount(api, "/user", ctx -> service.user(ApiAuth.identity(ctx)), true);
        mount(api, "/superuser", ctx -> service.superuser(ApiAuth.identity(ctx)), false);
    }

    private void mount(Router api, String prefix, Function<RoutingContext, Future<LogService.Scope>> scope,
                       boolean exportable) {
        api.routeWithRegex(HttpMethod.GET, prefix + "/logs").handler(ctx -> logs(ctx, scope));
        if (config.featureAggregation()) {
            api.routeWithRegex(HttpMethod.GET, prefix + "/aggregatelogs").handler(ctx -> aggregate(ctx, scope));
        }
        if (exportable && config.featureLogExport()) {
            api.routeWithRegex(HttpMethod.POST, prefix + "/exportlogs").handler(ctx -> export(ctx, scope));
        }
    }

    /** The download of an export's file, outside /api/v1 as in Quay; the id in the path is the capability. */
    public void mountDownload(Router exported) {
        exported.get("/:fileId").handler(ctx -> service.download(ctx.pathParam("fileId"))
                .onSuccess(file -> {
                    ctx.response().putHeader("Content-Type", "application/json")
                            .putHeader("Content-Disposition", "attachment; filename=\"export.json\"")
                            .setChunked(true);
                    file.pipeTo(ctx.response()).onFailure(err -> ctx.response().reset());
                })
                .onFailure(ctx::fail));
    }

    private void logs(RoutingContext ctx, Function<RoutingContext, Future<LogService.Scope>> scope) {
        Window window = window(ctx);
        String token = ctx.queryParams().get("next_page");
        Cursor cursor = token == null || token.isEmpty() ? null : Cursor.decode(token);
        Window effective = cursor == null ? window : new Window(cursor.start(), cursor.end());
        scope.apply(ctx).compose(s -> service.page(s, query(ctx, effective), cursor == null ? null : cursor.beforeId())
                        .map(page -> {
                            var entries = new JsonArray();
                            page.entries().forEach(e -> entries.add(LogView.entry(e, s.allNamespaces())));
                            var out = new JsonObject().put("start_time", LogView.date(effective.start()))
                                    .put("end_time", LogView.date(effective.end())).put("logs", entries);
                            if (page.nextBeforeId() != null) {
                                out.put("next_page", new Cursor(page.nextBeforeId(), effective.start(), effective.end()).encode());
                            }
                            return out;
                        }))
                .onSuccess(out -> Http.json(ctx, 200, out))
                .onFailure(ctx::fail);
    }

    private void aggregate(RoutingContext ctx, Function<RoutingContext, Future<LogService.Scope>> scope) {
        Window window = window(ctx);
        scope.apply(ctx).compose(s -> service.aggregate(s, query(ctx, window)))
                .map(counts -> {
                    var list = new JsonArray();
                    counts.forEach(c -> list.add(LogView.count(c)));
                    return new JsonObject().put("aggregated", list);
                })
                .onSuccess(out -> Http.json(ctx, 200, out))
                .onFailure(ctx::fail);
    }

    private void export(RoutingContext ctx, Function<RoutingContext, Future<LogService.Scope>> scope) {
        Window window = window(ctx);
        Identity who = ApiAuth.identity(ctx);
        // the body is read once the caller is known to be allowed, so strangers learn nothing from its errors
        scope.apply(ctx).compose(s -> {
                    JsonObject body = Http.jsonBody(ctx);
                    return service.export(s, who, Http.clientIp(ctx),
                            new LogService.Query(window.start(), window.end(), null, null),
                            optionalString(body, "callback_url"), optionalString(body, "callback_email"));
                })
                .onSuccess(id -> Http.json(ctx, 200, new JsonObject().put("export_id", id.toString())))
                .onFailure(ctx::fail);
    }

    /** Entries of {@code [start, end)}. */
    private record Window(OffsetDateTime start, OffsetDateTime end) {}

    /**
     * {@code starttime} and {@code endtime} as {@code MM/DD/YYYY} in UTC; the end day is included. Without an end, up
     * to now; without a start, the week before the end.
     */
    private static Window window(RoutingContext ctx) {
        LocalDate startDay = date(ctx, "starttime");
        LocalDate endDay = date(ctx, "endtime");
        OffsetDateTime end = endDay == null ? OffsetDateTime.now(ZoneOffset.UTC)
                : endDay.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime start = startDay == null ? end.minusDays(DEFAULT_DAYS)
                : startDay.atStartOfDay().atOffset(ZoneOffset.UTC);
        if (!end.isAfter(start)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid time range: endtime is before starttime");
        }
        return new Window(start, end);
    }

    private static LocalDate date(RoutingContext ctx, String param) {
        String value = ctx.queryParams().get(param);
        if (value == null || value.isBlank()) return null;
        try {
            return LocalDate.parse(value.trim(), DATE);
        } catch (DateTimeParseException e) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid " + param + " " + value + ": expected MM/DD/YYYY");
        }
    }

    /** The performer and kind filters; {@code kind} may be repeated or comma-separated. */
    private static LogService.Query query(RoutingContext ctx, Window window) {
        String performer = ctx.queryParams().get("performer");
        Set<String> kinds = new LinkedHashSet<>();
        for (String value : ctx.queryParams().getAll("kind")) {
            for (String kind : value.split(",")) {
                String k = kind.trim();
                if (k.isEmpty()) continue;
                if (!LogKinds.known(k)) throw new BerthException(ErrorCode.INVALID_REQUEST, "Unknown log kind " + k);
                kinds.add(k);
            }
        }
        return new LogService.Query(window.start(), window.end(),
                performer == null || performer.isBlank() ? null : performer.trim(), kinds.isEmpty() ? null : kinds);
    }

    private static RepositoryName repositoryName(RoutingContext ctx) {
        try {
            return new RepositoryName(ctx.pathParam("namespace"), ctx.pathParam("name"));
        } catch (BerthException e) {
            throw new BerthException(ErrorCode.NOT_FOUND, "Repository not found");
        }
    }

    private static String optionalString(JsonObject body, String key) {
        Object value = body.getValue(key);
        if (value == null) return null;
        if (!(value instanceof String s)) throw new BerthException(ErrorCode.INVALID_REQUEST, key + " must be a string");
        return s.isBlank() ? null : s.trim();
    }

    /**
     * The opaque {@code next_page} token: the id to continue below and the window of the first page, so that later
     * pages read the same window even when it was "the last week until now".
     */
    private record Cursor(long beforeId, OffsetDateTime start, OffsetDateTime end) {
        String encode() {
            String text = beforeId + ":" + start.toInstant().toEpochMilli() + ":" + end.toInstant().toEpochMilli();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String token) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
                if (parts.length == 3) {
                    return new Cursor(Long.parseLong(parts[0]), epoch(parts[1]), epoch(parts[2]));
                }
            } catch (IllegalArgumentException e) {
                // fall through to the 400 below
            }
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid next_page token");
        }

        private static OffsetDateTime epoch(String millis) {
            return java.time.Instant.ofEpochMilli(Long.parseLong(millis)).atOffset(ZoneOffset.UTC);
        }
    }
}
