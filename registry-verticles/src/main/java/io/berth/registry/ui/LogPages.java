package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.config.UsageLogConfig;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.berth.registry.logs.LogRepository;
import io.berth.registry.logs.LogService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Usage Logs, the same view for a repository (its Usage Logs tab), an organization and the signed-in user: entries of
 * a From–To range of UTC days with Quay-style sentences ({@link LogDescriptions}), a text filter, pages, a chart of
 * actions per day drawn as SVG on the server, and Export Logs. {@link LogService} decides who may read which logs; a
 * refusal looks like a missing page.
 */
final class LogPages {
    /** Without dates: the last week, today included. */
    private static final int DEFAULT_DAYS = 7;
    /** The longest range, which keeps the chart and the counting small. */
    private static final int MAX_DAYS = 31;
    private static final DateTimeFormatter FULL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    private static final DateTimeFormatter DAY_LABEL = DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH);
    /** Chart geometry in pixels: a slot per day, the bar in it, the room above for counts and below for days. */
    private static final int SLOT = 44, BAR = 26, TOP = 20, PLOT = 110, BOTTOM = 24;

    private final Pages pages;
    private final LogService logs;
    private final UsageLogConfig config;

    LogPages(Pages pages, LogService logs, UsageLogConfig config) {
        this.pages = pages;
        this.logs = logs;
        this.config = config;
    }

    /** The user's own logs and an organization's, on pages of their own; the repository's are a tab of its page. */
    void mount(Router router) {
        router.get("/user/logs").handler(ctx -> {
            if (ApiAuth.identity(ctx).anonymous()) Pages.signInFirst(ctx);
            else page(ctx);
        });
        router.post("/user/logs").handler(this::export);
        router.get("/organization/:org/logs").handler(this::page);
        router.post("/organization/:org/logs").handler(this::export);
    }

    /** Where a page of logs lives, what it is called and where it leads back to. */
    private record Place(String path, String heading, String back, String backLabel) {}

    private static Place place(RoutingContext ctx) {
        String org = ctx.pathParam("org");
        return org == null ? new Place("/user/logs", "Usage Logs", "/user/settings", "Account settings")
                : new Place("/organization/" + org + "/logs", "Usage Logs of " + org, "/organization/" + org, org);
    }

    private Future<LogService.Scope> scope(RoutingContext ctx) {
        Identity who = ApiAuth.identity(ctx);
        String org = ctx.pathParam("org");
        return visible(() -> org == null ? logs.user(who) : logs.organization(who, org));
    }

    /** The page; 400 when it shows an error (bad dates, a refused export). */
    private void page(RoutingContext ctx) {
        Place place = place(ctx);
        scope(ctx).compose(scope -> model(ctx, scope, place.path(), null)).map(logModel -> {
            var model = new HashMap<String, Object>();
            model.put("title", place.heading());
            model.put("heading", place.heading());
            model.put("back", place.back());
            model.put("backLabel", place.backLabel());
            model.put("logs", logModel);
            return model;
        }).onSuccess(model -> pages.render(ctx, failed(model.get("logs")) ? 400 : 200, "usage-logs-page", model))
                .onFailure(ctx::fail);
    }

    private void export(RoutingContext ctx) {
        export(ctx, scope(ctx), place(ctx).path(), null)
                .onSuccess(target -> Pages.redirect(ctx, target))
                .onFailure(err -> exportFailed(ctx, err, () -> page(ctx)));
    }

    /**
     * Shows an export's client error inside the Export Logs dialog (by {@code again}, which renders the page); a
     * hidden scope stays a 404.
     */
    private static void exportFailed(RoutingContext ctx, Throwable err, Runnable again) {
        if (err instanceof BerthException e && Http.status(e) == 404) {
            ctx.fail(err);
            return;
        }
        Pages.inline(ctx, err, message -> {
            ctx.put("exportError", message);
            again.run();
        });
    }

    /** True when the logs' model carries an error for the page to answer with 400. */
    static boolean failed(Object logModel) {
        return logModel instanceof Map<?, ?> m && (m.get("error") != null || m.get("exportError") != null);
    }

    /**
     * A scope as its caller may see it: a refusal (not signed in, not an administrator) becomes NOT_FOUND, so that
     * nobody learns from it whether a private repository or an organization exists.
     */
    static Future<LogService.Scope> visible(Supplier<Future<LogService.Scope>> scope) {
        return Future.<LogService.Scope>future(p -> scope.get().onComplete(p)).recover(err -> Future.failedFuture(
                err instanceof BerthException e && (Http.status(e) == 401 || Http.status(e) == 403)
                        ? new BerthException(ErrorCode.NOT_FOUND, "Not Found") : err));
    }

    /**
     * The Usage Logs partial's model for a scope shown at {@code path} (with {@code ?tab=<tab>} when it is a tab):
     * the range and filter asked for, a page of entries, the chart, and the export dialog's state. Bad dates or page
     * tokens are reported in it ({@code error}) rather than failing the page.
     */
    Future<Map<String, Object>> model(RoutingContext ctx, LogService.Scope scope, String path, String tab) {
        String from = param(ctx, "from");
        String to = param(ctx, "to");
        String filter = param(ctx, "filter");
        var model = new HashMap<String, Object>();
        model.put("path", path);
        model.put("tab", tab);
        model.put("filter", filter);
        model.put("maxDays", MAX_DAYS);
        model.put("exportEnabled", config.featureLogExport());
        model.put("exportError", ctx.get("exportError"));
        model.put("destination", param(ctx, "destination"));
        model.put("exported", exportedId(param(ctx, "exported")));
        model.put("entries", List.of());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Window window;
        Long before;
        try {
            window = Window.of(from, to, today);
            before = before(param(ctx, "before"));
        } catch (BerthException e) {
            model.put("from", from);
            model.put("to", to);
            model.put("error", e.getMessage());
            return Future.succeededFuture(model);
        }
        model.put("from", window.from().toString());
        model.put("to", window.to().toString());
        var query = new LogService.Query(window.start(), window.end(), null, null);
        Future<List<LogRepository.DayCount>> counts = config.featureAggregation()
                ? logs.aggregate(scope, query) : Future.succeededFuture(null);
        return Future.all(logs.page(scope, query, before), counts).map(loaded -> {
            LogService.Page page = loaded.resultAt(0);
            String needle = filter.toLowerCase(Locale.ROOT);
            var entries = page.entries().stream().map(LogPages::entry)
                    .filter(e -> needle.isEmpty() || matches(e, needle)).toList();
            model.put("entries", entries);
            model.put("pageSize", page.entries().size());
            String link = link(path, tab, window, filter);
            model.put("next", page.nextBeforeId() == null ? null : link + "&before=" + page.nextBeforeId());
            model.put("first", before == null ? null : link);
            List<LogRepository.DayCount> perDay = loaded.resultAt(1);
            model.put("chart", perDay == null ? null : chart(window, perDay, today));
            return model;
        });
    }

    /**
     * Queues an export of the range the page shows to the e-mail address or callback URL typed in the dialog, and
     * answers where to go next: the page with the confirmation. LogService checks the address and the URL.
     */
    Future<String> export(RoutingContext ctx, Future<LogService.Scope> scope, String path, String tab) {
        Identity who = ApiAuth.identity(ctx);
        String destination = param(ctx, "destination");
        // the form is read once the caller is known to be allowed, so strangers learn nothing from its errors
        return scope.compose(s -> Future.<Window>future(p -> {
            if (!config.featureLogExport()) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Log export is disabled on this registry.");
            }
            if (destination.isEmpty()) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Enter an e-mail address or a callback URL.");
            }
            p.complete(Window.of(param(ctx, "from"), param(ctx, "to"), LocalDate.now(ZoneOffset.UTC)));
        }).compose(window -> Future.<UUID>future(p -> {
            // a URL names its scheme; anything else is taken for an e-mail address
            boolean url = destination.contains("://");
            logs.export(s, who, Http.clientIp(ctx), new LogService.Query(window.start(), window.end(), null, null),
                    url ? destination : null, url ? null : destination).onComplete(p);
        }).map(id -> link(path, tab, window, "") + "&exported=" + id)));
    }

    /** A range of whole UTC days, {@code from} and {@code to} included. */
    record Window(LocalDate from, LocalDate to) {
        OffsetDateTime start() { return from.atStartOfDay().atOffset(ZoneOffset.UTC); }

        OffsetDateTime end() { return to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC); }

        /** The range typed as {@code yyyy-MM-dd}; without an end, up to today; without a start, the week before. */
        static Window of(String from, String to, LocalDate today) {
            LocalDate end = to.isEmpty() ? today : day(to, "To");
            LocalDate start = from.isEmpty() ? end.minusDays(DEFAULT_DAYS - 1) : day(from, "From");
            if (end.isBefore(start)) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "The To date is before the From date.");
            }
            if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Choose at most " + MAX_DAYS + " days.");
            }
            return new Window(start, end);
        }

        private static LocalDate day(String value, String name) {
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "Enter the " + name + " date as YYYY-MM-DD.");
            }
        }
    }

    private static Long before(String value) {
        if (value.isEmpty()) return null;
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid page: start again from the newest entries.");
        }
    }

    private static String exportedId(String value) {
        try {
            return value.isEmpty() ? null : UUID.fromString(value).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The page's address for a range and filter; more parameters are appended with {@code &}. */
    private static String link(String path, String tab, Window window, String filter) {
        var out = new StringBuilder(path).append('?');
        if (tab != null) out.append("tab=").append(tab).append('&');
        out.append("from=").append(window.from()).append("&to=").append(window.to());
        if (!filter.isEmpty()) out.append("&filter=").append(URLEncoder.encode(filter, StandardCharsets.UTF_8));
        return out.toString();
    }

    private static String param(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        return value == null ? "" : value.trim();
    }

    /** Quay's filter box: the text anywhere in the sentence, the kind or the performer's name. */
    private static boolean matches(Map<String, Object> entry, String needle) {
        for (String key : List.of("sentence", "kind", "performer")) {
            if (String.valueOf(entry.get(key)).toLowerCase(Locale.ROOT).contains(needle)) return true;
        }
        return false;
    }

    private static Map<String, Object> entry(LogRepository.StoredEntry e) {
        var m = new HashMap<String, Object>();
        m.put("id", e.id());
        m.put("kind", e.kind());
        m.put("sentence", LogDescriptions.describe(e.kind(), e.metadata()));
        m.put("performer", performer(e));
        m.put("ip", e.ip() == null ? "" : e.ip());
        m.put("time", Pages.time(e.createdAt()));
        m.put("fullTime", FULL_TIME.format(e.createdAt().withOffsetSameInstant(ZoneOffset.UTC)));
        m.put("iso", e.createdAt().withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString());
        var metadata = new ArrayList<Map<String, String>>();
        if (e.metadata() != null) {
            e.metadata().forEach(field -> metadata.add(Map.of("key", field.getKey(), "value", shown(field.getValue()))));
        }
        metadata.sort((a, b) -> a.get("key").compareTo(b.get("key")));
        m.put("metadata", metadata);
        return m;
    }

    /** Who acted, as a person reads it: robots are marked, and entries of no account say what wrote them. */
    private static String performer(LogRepository.StoredEntry e) {
        if (e.performerName() != null) {
            return "robot".equals(e.performerKind()) ? e.performerName() + " (robot)" : e.performerName();
        }
        return switch (e.performerKind() == null ? "" : e.performerKind()) {
            case "service" -> "Berth (automatic)";
            case "build" -> "a build";
            default -> "anonymous";
        };
    }

    /** A metadata value as the details show it; nested values as JSON. */
    private static String shown(Object value) {
        if (value == null) return "";
        if (value instanceof JsonObject o) return o.encode();
        if (value instanceof JsonArray a) return a.encode();
        return String.valueOf(value);
    }

    /**
     * The chart's geometry: a bar per day of the range with its count above and the day below, and for screen
     * readers a description that lists every day's count.
     */
    private static Map<String, Object> chart(Window window, List<LogRepository.DayCount> counts, LocalDate today) {
        var perDay = new TreeMap<LocalDate, Map<String, Long>>();
        for (LocalDate d = window.from(); !d.isAfter(window.to()); d = d.plusDays(1)) perDay.put(d, new LinkedHashMap<>());
        counts.forEach(c -> {
            var kinds = perDay.get(c.day());
            if (kinds != null) kinds.merge(c.kind(), c.count(), Long::sum);
        });
        long max = perDay.values().stream().mapToLong(LogPages::total).max().orElse(0);
        var bars = new ArrayList<Map<String, Object>>();
        var described = new ArrayList<String>();
        long all = 0;
        int i = 0;
        for (var day : perDay.entrySet()) {
            long total = total(day.getValue());
            all += total;
            int height = total == 0 ? 0 : (int) Math.max(2, Math.round((double) total * PLOT / max));
            int x = i++ * SLOT + (SLOT - BAR) / 2;
            String label = DAY_LABEL.format(day.getKey());
            var kinds = new ArrayList<String>();
            day.getValue().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(k -> kinds.add(k.getKey() + " " + k.getValue()));
            var bar = new HashMap<String, Object>();
            bar.put("day", day.getKey().toString());
            bar.put("today", day.getKey().equals(today));
            bar.put("count", total);
            bar.put("x", x);
            bar.put("y", TOP + PLOT - height);
            bar.put("height", height);
            bar.put("middle", x + BAR / 2);
            bar.put("countY", TOP + PLOT - height - 5);
            bar.put("label", label);
            bar.put("title", label + ": " + actions(total) + (kinds.isEmpty() ? "" : " (" + String.join(", ", kinds) + ")"));
            bars.add(bar);
            described.add(label + ": " + total);
        }
        var chart = new HashMap<String, Object>();
        chart.put("bars", bars);
        chart.put("width", perDay.size() * SLOT);
        chart.put("height", TOP + PLOT + BOTTOM);
        chart.put("bar", BAR);
        chart.put("baseline", TOP + PLOT);
        chart.put("labelY", TOP + PLOT + 17);
        chart.put("title", "Actions per day from " + window.from() + " to " + window.to() + ": " + actions(all) + " in all");
        chart.put("description", String.join("; ", described));
        return chart;
    }

    private static long total(Map<String, Long> kinds) {
        return kinds.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String actions(long n) {
        return n + (n == 1 ? " action" : " actions");
    }
}
