package io.berth.registry.logs;

import io.berth.model.error.BerthException;
import io.berth.registry.auth.Identity;
import io.berth.registry.mail.Mailer;
import io.berth.registry.storage.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Works the log-export queue on every node: takes a due export under a lease ({@link ExportRepository#claim}), writes
 * its entries as one JSON file to storage, then tells the requester where to download it, by POSTing Quay's callback
 * body to the callback URL and/or e-mailing the link (at least once: a retry repeats both). Failed deliveries are
 * retried with exponential backoff, and the namespace's next export waits meanwhile; the
 * outcome is logged as {@code export_logs_success} or {@code export_logs_failure}. A wake-up event on
 * {@link #WAKE} starts work at once; a slow timer catches retries that came due and rows whose event was lost.
 */
public final class LogExporter {
    private static final Logger LOG = LoggerFactory.getLogger(LogExporter.class);
    public static final String WAKE = "berth.logs.export.wake";
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final long POLL_MS = 1_000;
    private static final int EXPORT_PAGE = 1_000;
    private static final int MAX_ATTEMPTS = 10;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofMinutes(10);
    private static final long CALLBACK_TIMEOUT_MS = 30_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final Pool pool;
    private final ExportRepository exports;
    private final LogRepository logs;
    private final BlobStorage storage;
    private final CallbackUrls callbacks;
    private final UsageLogger usage;
    private final String baseUrl;
    private final Mailer mailer;
    private final Duration lifetime;
    private final HttpClient http;
    private MessageConsumer<Void> consumer;
    private long timer = -1;
    /** The loop working the queue, if one runs; guarded by {@code this}. */
    private Future<Void> running;
    private boolean again;
    private boolean stopped;

    public LogExporter(Vertx vertx, Pool pool, ExportRepository exports, LogRepository logs, BlobStorage storage,
                       CallbackUrls callbacks, UsageLogger usage, Mailer mailer, String baseUrl, Duration lifetime) {
        this.vertx = vertx;
        this.pool = pool;
        this.exports = exports;
        this.logs = logs;
        this.storage = storage;
        this.callbacks = callbacks;
        this.usage = usage;
        this.baseUrl = baseUrl;
        this.mailer = mailer;
        this.lifetime = lifetime;
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000));
    }

    /** Where an export's file lives in storage. */
    static String objectKey(String fileId) {
        return "exportedlogs/" + fileId + ".json";
    }

    public synchronized void start() {
        consumer = vertx.eventBus().<Void>consumer(WAKE, message -> wake());
        timer = vertx.setPeriodic(POLL_MS, POLL_MS, t -> wake());
        wake();
    }

    /** Stops taking work and waits for the export in hand; a later start (on any node) resumes the queue. */
    public Future<Void> stop() {
        Future<Void> inHand;
        synchronized (this) {
            stopped = true;
            if (timer >= 0) vertx.cancelTimer(timer);
            if (consumer != null) consumer.unregister();
            inHand = running == null ? Future.succeededFuture() : running;
        }
        return inHand.eventually(http::close);
    }

    /** Works the queue until nothing is due; a wake-up during a run makes it look once more. */
    public synchronized void wake() {
        if (stopped) return;
        if (running != null) {
            again = true;
            return;
        }
        again = false;
        Future<Void> loop = drain();
        running = loop;
        loop.onComplete(ar -> {
            boolean more;
            synchronized (this) {
                running = null;
                more = again;
            }
            if (ar.failed()) LOG.warn("Log export queue: {}", ar.cause().toString());
            if (more) wake();
        });
    }

    private Future<Void> drain() {
        synchronized (this) {
            if (stopped) return Future.succeededFuture();
        }
        UUID lease = UUID.randomUUID();
        return exports.claim(pool, lease, LEASE).compose(export -> export == null
                ? Future.succeededFuture()
                : work(export, lease).compose(v -> drain()));
    }

    /** Writes the file when that is still to do, then delivers, renewing the lease meanwhile. */
    private Future<Void> work(ExportRepository.Export export, UUID lease) {
        long renewal = vertx.setPeriodic(LEASE.toMillis() / 3, t -> exports.renew(pool, export.id(), lease, LEASE));
        Future<Written> written = export.state().equals("running")
                ? write(export, lease)
                : Future.succeededFuture(new Written(export.outcome(), export.fileId()));
        return written.compose(w -> deliver(export, lease, w))
                .recover(err -> {
                    LOG.warn("Log export {} could not proceed: {}", export.id(), err.toString());
                    return Future.succeededFuture();
                })
                .eventually(() -> {
                    vertx.cancelTimer(renewal);
                    return Future.succeededFuture();
                });
    }

    /** What writing the file came to: {@code success} with a file id, or {@code failed} without one. */
    private record Written(String outcome, String fileId) {}

    private Future<Written> write(ExportRepository.Export export, UUID lease) {
        String fileId = HexFormat.of().formatHex(randomBytes());
        var filter = new LogRepository.Filter(export.repositoryId() == null ? export.namespaceId() : null,
                export.repositoryId(), null, null, export.start(), export.end(), false);
        var header = new JsonObject().put("export_id", export.id().toString()).put("details", details(export));
        String head = header.encode();
        return storage.writeObject(objectKey(fileId))
                .compose(out -> out.write(Buffer.buffer(head.substring(0, head.length() - 1) + ",\"logs\":["))
                        .compose(v -> writeEntries(out, filter, null, true))
                        .compose(v -> out.end(Buffer.buffer("]}"))))
                .map(v -> new Written("success", fileId))
                .recover(err -> {
                    LOG.warn("Log export {} could not be written: {}", export.id(), err.toString());
                    return storage.deleteObject(objectKey(fileId)).transform(ignored ->
                            Future.succeededFuture(new Written("failed", null)));
                })
                .compose(w -> exports.written(pool, export.id(), lease, w.outcome(), w.fileId(), lifetime,
                                w.fileId() == null ? "the export file could not be written" : null)
                        .compose(held -> held ? Future.succeededFuture(w) : Future.failedFuture(lost(export))));
    }

    /** Streams the entries page by page, each page after the previous one is written. */
    private Future<Void> writeEntries(WriteStream<Buffer> out, LogRepository.Filter filter, Long beforeId,
                                      boolean first) {
        return logs.page(pool, filter, beforeId, EXPORT_PAGE).compose(page -> {
            if (page.isEmpty()) return Future.succeededFuture();
            var chunk = new StringBuilder();
            boolean leading = first;
            for (var entry : page) {
                if (!leading) chunk.append(',');
                leading = false;
                chunk.append(LogView.entry(entry, true).encode());
            }
            Future<Void> written = out.write(Buffer.buffer(chunk.toString()));
            if (page.size() < EXPORT_PAGE) return written;
            return written.compose(v -> writeEntries(out, filter, page.get(page.size() - 1).id(), false));
        });
    }

    private Future<Void> deliver(ExportRepository.Export export, UUID lease, Written w) {
        String url = w.fileId() == null ? null : baseUrl + "/exportedlogs/" + w.fileId();
        JsonObject body = details(export).put("export_id", export.id().toString())
                .put("exported_data_url", url).put("status", w.outcome());
        List<Future<Void>> sends = new ArrayList<>();
        if (export.callbackUrl() != null) sends.add(post(export.callbackUrl(), body));
        if (export.callbackEmail() != null) sends.add(email(export.callbackEmail(), body));
        return Future.all(sends).<Void>mapEmpty().transform(ar -> {
            if (ar.succeeded()) {
                return exports.finish(pool, export.id(), lease, "done", null)
                        .onSuccess(held -> { if (held) logOutcome(export, w.outcome(), url, null); })
                        .mapEmpty();
            }
            String error = ar.cause().getMessage();
            // a callback that no longer passes the SSRF check (its name resolves elsewhere now) is not retried
            if (export.attempts() + 1 >= MAX_ATTEMPTS || ar.cause() instanceof BerthException) {
                return exports.finish(pool, export.id(), lease, "failed", error)
                        .onSuccess(held -> { if (held) logOutcome(export, "failed", url, error); })
                        .mapEmpty();
            }
            return exports.retryLater(pool, export.id(), lease, backoff(export.attempts()), error).mapEmpty();
        });
    }

    /** 1 s, 2 s, 4 s, … up to 10 minutes. */
    static Duration backoff(int attempts) {
        long millis = FIRST_RETRY.toMillis() << Math.min(attempts, 20);
        return Duration.ofMillis(Math.min(millis, LAST_RETRY.toMillis()));
    }

    /** POSTs the body to the callback URL, connecting to the address the SSRF check approved; 2xx is success. */
    private Future<Void> post(String callbackUrl, JsonObject body) {
        return callbacks.check(callbackUrl).compose(target -> {
            var options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(target.uri().toString())
                    .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
                    .setFollowRedirects(false).setIdleTimeout(CALLBACK_TIMEOUT_MS)
                    .putHeader("Content-Type", "application/json");
            return http.request(options)
                    .compose(request -> request.send(body.toBuffer()))
                    .compose(response -> response.body().compose(ignored -> response.statusCode() / 100 == 2
                            ? Future.<Void>succeededFuture()
                            : Future.failedFuture("callback answered HTTP " + response.statusCode())));
        });
    }

    private Future<Void> email(String to, JsonObject body) {
        String text = "success".equals(body.getString("status"))
                ? "The usage logs you asked to export are ready. Download them within "
                        + lifetime.toMinutes() + " minutes from:\n\n" + body.getString("exported_data_url") + "\n"
                : "The usage logs you asked to export (export " + body.getString("export_id")
                        + ") could not be exported. Please try again.\n";
        return mailer.send(to, "Usage logs export " + body.getString("export_id"), text);
    }

    private void logOutcome(ExportRepository.Export export, String outcome, String url, String error) {
        var who = new Identity(export.requesterId(), export.requesterName(),
                Identity.Kind.valueOf(export.requesterKind().toUpperCase()), null);
        var metadata = new JsonObject().put("export_id", export.id().toString())
                .put("namespace", export.namespaceName())
                .put("start_time", LogView.date(export.start())).put("end_time", LogView.date(export.end()));
        if (export.repositoryName() != null) metadata.put("repo", export.repositoryName());
        if (export.callbackUrl() != null) metadata.put("callback_url", export.callbackUrl());
        if (export.callbackEmail() != null) metadata.put("callback_email", export.callbackEmail());
        if (url != null && outcome.equals("success")) metadata.put("url", url);
        if (error != null) metadata.put("error", error);
        usage.log(outcome.equals("success") ? "export_logs_success" : "export_logs_failure", export.namespaceId(),
                who, export.repositoryId(), export.ip(), metadata);
    }

    private static JsonObject details(ExportRepository.Export export) {
        return new JsonObject().put("start_time", LogView.date(export.start()))
                .put("end_time", LogView.date(export.end()))
                .put("namespace", export.namespaceName())
                .put("repository", export.repositoryName());
    }

    private static IllegalStateException lost(ExportRepository.Export export) {
        return new IllegalStateException("lease on export " + export.id() + " was lost");
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
