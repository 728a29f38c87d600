package io.berth.registry.ui;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.auth.Identity;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.Http;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.common.template.TemplateEngine;
import io.vertx.ext.web.templ.pebble.PebbleTemplateEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** What every UI page shares: rendering in the frame, the error page, inline form errors, redirects, form fields. */
final class Pages {
    private static final Logger LOG = LoggerFactory.getLogger(Pages.class);

    private static final String FORM_ERROR = "formError";
    private static final String FORM_ACTION = "formAction";
    private static final String STARTED = "berth.ui.started";
    private static final int MAX_RETURN_PATH = 2048;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private final BerthConfig config;
    private final ApiAuth auth;
    private final TemplateEngine engine;

    Pages(Vertx vertx, BerthConfig config, ApiAuth auth) {
        this.config = config;
        this.auth = auth;
        this.engine = PebbleTemplateEngine.create(vertx);
    }

    /** Renders a template of {@code ui/} with the frame's model: who is signed in, the CSRF token, read-only mode. */
    void render(RoutingContext ctx, int status, String template, Map<String, Object> model) {
        Identity who = ApiAuth.identity(ctx);
        String user = who == null || who.anonymous() ? null : who.username();
        model.put("user", user);
        model.put("superuser", user != null && config.isSuperUser(user));
        model.put("csrf", auth.csrfToken(ctx));
        model.put("readOnly", config.readOnly());
        engine.render(model, "ui/" + template + ".peb").onSuccess(html -> ctx.response().setStatusCode(status)
                .putHeader("Server-Timing", serverTiming(ctx))
                .putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                .putHeader("X-Frame-Options", "DENY").end(html)).onFailure(err -> {
            if (template.equals("error")) fallback(ctx, status, err); else ctx.fail(err);
        });
    }

    /** Notes when the request reached the UI, for the {@code Server-Timing} header that {@code scripts/bench-ui} reads. */
    static void startTimer(RoutingContext ctx) {
        ctx.put(STARTED, System.nanoTime());
        ctx.next();
    }

    private static String serverTiming(RoutingContext ctx) {
        Long started = ctx.get(STARTED);
        double millis = started == null ? 0 : (System.nanoTime() - started) / 1e6;
        return String.format(java.util.Locale.ROOT, "app;dur=%.1f", millis);
    }

    /** The error page: what happened and where to go; a 404 never tells whether something private exists. */
    void failure(RoutingContext ctx) {
        if (Http.cutIfStarted(ctx)) return;
        BerthException error = Http.failureOf(ctx);
        int status = Http.status(error);
        if (status >= 500) LOG.error("UI request {} failed", ctx.normalizedPath(), ctx.failure());
        var model = new HashMap<String, Object>();
        model.put("status", status);
        model.put("title", "Error " + status);
        model.put("heading", switch (status) {
            case 401, 403 -> "Not allowed";
            case 404 -> "Page not found";
            default -> status >= 500 ? "Something went wrong" : "Request refused";
        });
        model.put("message", switch (status) {
            case 404 -> "There is nothing at this address, or you are not allowed to see it.";
            case 401, 403 -> error.getMessage() + " Sign in with an account that has access, or go back.";
            default -> status >= 500 ? "The registry could not complete this request. Try again; if it keeps happening, tell the registry's administrators."
                    : error.getMessage();
        });
        render(ctx, status, "error", model);
    }

    /** Shows a client error next to the form; anything else is a server failure. */
    static void inline(RoutingContext ctx, Throwable err, Consumer<String> show) {
        if (err instanceof BerthException e && e.code() == ErrorCode.FRESH_LOGIN_REQUIRED) {
            show.accept("Sign out and sign in again to change this: it needs a recent sign-in.");
        } else if (err instanceof BerthException e && Http.status(e) < 500) {
            show.accept(e.getMessage());
        } else {
            ctx.fail(err);
        }
    }

    /**
     * A form's failure on a page outsiders must learn nothing from: a refusal or a missing thing is the error page's
     * 404, any other client error shows next to the form.
     */
    static void inlineOrHidden(RoutingContext ctx, Throwable err, Consumer<String> show) {
        if (err instanceof BerthException e && e.code() != ErrorCode.FRESH_LOGIN_REQUIRED
                && (Http.status(e) == 401 || Http.status(e) == 403 || Http.status(e) == 404)) {
            ctx.fail(hidden(err));
        } else {
            inline(ctx, err, show);
        }
    }

    /**
     * A form's failure on a page of several forms: shows the page again (with {@link #rejection}) and the message
     * next to the form whose {@code action} failed; refusals and missing things as with {@link #inlineOrHidden}.
     */
    static void rejectForm(RoutingContext ctx, Throwable err, String action, Runnable show) {
        inlineOrHidden(ctx, err, message -> {
            ctx.put(FORM_ERROR, message);
            ctx.put(FORM_ACTION, action);
            show.run();
        });
    }

    /** Puts a rejected form's message ({@code error}) and action ({@code errorFor}) in the model; the status to answer. */
    static int rejection(RoutingContext ctx, Map<String, Object> model) {
        model.put("error", ctx.get(FORM_ERROR));
        model.put("errorFor", ctx.get(FORM_ACTION));
        return ctx.get(FORM_ERROR) == null ? 200 : 400;
    }

    /**
     * The {@code done} parameter a successful form's redirect set, for the page's "Saved." notice; a form rejected
     * after it (posted to the same address) must not show it.
     */
    static String notice(RoutingContext ctx) {
        return ctx.request().method() == HttpMethod.GET ? ctx.request().getParam("done") : null;
    }

    /** Outsiders learn nothing about an organization's private parts: a refusal looks like a missing page. */
    static Throwable hidden(Throwable err) {
        return err instanceof BerthException e && (Http.status(e) == 401 || Http.status(e) == 403)
                ? new BerthException(ErrorCode.NOT_FOUND, "Not Found") : err;
    }

    static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(303).putHeader("Location", location).end();
    }

    /** Sends a signed-out visitor to the sign-in page, which brings them back to this page afterwards. */
    static void signInFirst(RoutingContext ctx) {
        signInFirst(ctx, ctx.request().uri());
    }

    /** The same, back to {@code path} (a page of this site). */
    static void signInFirst(RoutingContext ctx, String path) {
        redirect(ctx, "/signin?next=" + URLEncoder.encode(path, StandardCharsets.UTF_8));
    }

    /**
     * Where to go back to after signing in or up: a path on this site, else null. Absolute URLs, scheme-relative
     * {@code //host}, backslashes (browsers read them as slashes) and control characters (browsers drop them, turning
     * {@code /\t/host} into {@code //host}) are refused, so a crafted link cannot send someone who signs in elsewhere.
     */
    static String returnPath(String next) {
        if (next == null || next.length() > MAX_RETURN_PATH || !next.startsWith("/") || next.startsWith("//")) {
            return null;
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c == '\\' || c <= ' ' || c > '~') return null;
        }
        return next;
    }

    static String form(RoutingContext ctx, String name) {
        String value = ctx.request().getFormAttribute(name);
        return value == null ? "" : value.trim();
    }

    /**
     * Refuses a deletion unless the form's {@code confirm} field holds {@code name} exactly, as the page asked;
     * {@code typed} says what was to be typed, {@code deleted} what goes.
     */
    static void requireTyped(RoutingContext ctx, String name, String typed, String deleted) {
        if (!form(ctx, "confirm").equals(name)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Type " + typed + " exactly to delete " + deleted + ".");
        }
    }

    /** A time-machine window in words, as the options read: "2 weeks", "1 day", "90 minutes", "0 seconds". */
    static String window(long seconds) {
        long[] units = {7 * 86_400, 86_400, 3_600, 60, 1};
        String[] names = {"week", "day", "hour", "minute", "second"};
        for (int i = 0; i < units.length; i++) {
            if (seconds >= units[i] && seconds % units[i] == 0) {
                long n = seconds / units[i];
                return n + " " + names[i] + (n == 1 ? "" : "s");
            }
        }
        return seconds + " seconds";
    }

    /**
     * A time-machine window chosen in a form, in seconds; anything but a whole number is refused as the service
     * refuses an option it does not offer (NamespaceService checks the number).
     */
    static long windowSeconds(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid tag expiration option");
        }
    }

    /** A time as pages show it (UTC); "" for none. */
    static String time(OffsetDateTime t) {
        return t == null ? "" : TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
    }

    private static void fallback(RoutingContext ctx, int status, Throwable err) {
        LOG.error("error page failed to render", err);
        Http.page(ctx, status, "Berth: error", "<h1>" + status + "</h1><p><a href=\"/\">Start page</a></p>");
    }
}
