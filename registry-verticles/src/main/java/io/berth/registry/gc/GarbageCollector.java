package io.berth.registry.gc;

import io.berth.model.oci.Digest;
import io.berth.registry.auth.AppTokenService;
import io.berth.registry.auth.Identity;
import io.berth.registry.build.UserFileService;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.content.BlobRepository;
import io.berth.registry.content.BlobRepository.Deleted;
import io.berth.registry.content.BlobRepository.Link;
import io.berth.registry.content.ManifestRepository;
import io.berth.registry.content.ManifestRepository.Candidate;
import io.berth.registry.content.TagRepository;
import io.berth.registry.http.Dates;
import io.berth.registry.logs.UsageLogger;
import io.berth.registry.metrics.Metrics;
import io.berth.registry.storage.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Online garbage collection, in passes that run on a timer on every node and on demand. Nothing needs read-only mode:
 * every step is a short transaction that takes the same row locks as the pushes it could race with (see
 * {@link BlobRepository}), and concurrent passes on several nodes split the rows between them ({@code SKIP LOCKED}).
 * A pass, in order:
 * <ol>
 *   <li>ends tags whose expiration passed (reads already treat them as gone) and logs each;</li>
 *   <li>per repository, under its lock: deletes tag rows that left the time machine, then the manifests nothing keeps
 *       (see {@link ManifestRepository#deleteUnreachable});</li>
 *   <li>deletes repository links to blobs that no manifest of the repository references, once older than the grace
 *       period: a push uploads or mounts its blobs before it puts the manifest that references them;</li>
 *   <li>deletes files dropped for builds that no build refers to, once expired (see {@link UserFileService});</li>
 *   <li>deletes app-specific tokens that expired {@code EXPIRED_APP_SPECIFIC_TOKEN_GC} ago (see
 *       {@link AppTokenService#deleteExpired});</li>
 *   <li>deletes blob rows nothing references and queues their bytes for deletion, in the same transaction;</li>
 *   <li>removes queued bytes from storage, after the rows are gone for good.</li>
 * </ol>
 * What a pass frees goes to the log, the usage log (as the service) and the {@code berth_gc_*} counters.
 */
public final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    private static final int BATCH = 2000;
    private static final int REPOSITORIES = 100;
    private static final int STORAGE_PARALLELISM = 16;
    /** Usage-log entries name at most this many digests (and always the count). */
    private static final int LOGGED_DIGESTS = 100;

    private final Pool pool;
    private final TagRepository tags;
    private final ManifestRepository manifests;
    private final BlobRepository blobs;
    private final BlobStorage storage;
    private final UserFileService userFiles;
    private final AppTokenService appTokens;
    private final UsageLogger usage;
    private final BerthConfig.Gc config;
    private final Metrics.Counter runs;
    private final Metrics.Counter tagsExpired;
    private final Metrics.Counter manifestsDeleted;
    private final Metrics.Counter blobsDeleted;
    private final Metrics.Counter bytesDeleted;
    private final Metrics.Counter userFilesDeleted;
    private final Metrics.Counter appTokensDeleted;
    private final BackgroundJob<Report> job;

    public GarbageCollector(Vertx vertx, Pool pool, TagRepository tags, ManifestRepository manifests,
                            BlobRepository blobs, BlobStorage storage, UserFileService userFiles,
                            AppTokenService appTokens, UsageLogger usage, Metrics metrics, BerthConfig.Gc config) {
        this.job = new BackgroundJob<>(vertx, "Garbage collection", this::pass);
        this.pool = pool;
        this.tags = tags;
        this.manifests = manifests;
        this.blobs = blobs;
        this.storage = storage;
        this.userFiles = userFiles;
        this.appTokens = appTokens;
        this.usage = usage;
        this.config = config;
        this.runs = metrics.counter("berth_gc_runs_total", "Garbage collection passes completed.");
        this.tagsExpired = metrics.counter("berth_gc_tags_expired_total", "Tags ended because their expiration passed.");
        this.manifestsDeleted = metrics.counter("berth_gc_manifests_deleted_total", "Manifests garbage collection deleted.");
        this.blobsDeleted = metrics.counter("berth_gc_blobs_deleted_total", "Blobs garbage collection deleted.");
        this.bytesDeleted = metrics.counter("berth_gc_bytes_deleted_total", "Bytes of the blobs garbage collection deleted.");
        this.userFilesDeleted = metrics.counter("berth_gc_user_files_deleted_total",
                "Expired files dropped for builds that garbage collection deleted.");
        this.appTokensDeleted = metrics.counter("berth_gc_app_tokens_deleted_total",
                "Expired app-specific tokens that garbage collection deleted.");
    }

    /** What one pass did. */
    public record Report(int tagsExpired, int tagsRemoved, int manifestsDeleted, int linksDeleted, int userFilesDeleted,
                         int appTokensDeleted, int blobsDeleted, long bytesFreed) {
        public JsonObject toJson() {
            return new JsonObject().put("tags_expired", tagsExpired).put("tags_removed", tagsRemoved)
                    .put("manifests_deleted", manifestsDeleted).put("links_deleted", linksDeleted)
                    .put("user_files_deleted", userFilesDeleted).put("app_tokens_deleted", appTokensDeleted)
                    .put("blobs_deleted", blobsDeleted).put("bytes_freed", bytesFreed);
        }
    }

    /** Runs a pass every {@code GARBAGE_COLLECTION_FREQUENCY}. */
    public void start() {
        job.start(config.frequency());
    }

    public void stop() {
        job.stop();
    }

    /** Runs one pass, or joins the one in progress on this node. */
    public Future<Report> run() {
        return job.run();
    }

    private Future<Report> pass() {
        return expireTags().compose(expired -> collectManifests(0, new Manifests(0, 0))
                .compose(collected -> collectLinks(new Link(0, ""))
                        .compose(links -> inBatches(userFiles::deleteUnused)
                                .compose(files -> inBatches(appTokens::deleteExpired)
                                        .compose(tokens -> collectBlobs("", new ArrayList<>())
                                                .compose(deleted -> removeBytes().map(removed -> {
                                                    long bytes = deleted.stream().mapToLong(Deleted::size).sum();
                                                    return new Report(expired, collected.tags(), collected.manifests(),
                                                            links, files, tokens, deleted.size(), bytes);
                                                })))))))
                .onSuccess(this::record);
    }

    private void record(Report report) {
        runs.add(1);
        tagsExpired.add(report.tagsExpired());
        manifestsDeleted.add(report.manifestsDeleted());
        blobsDeleted.add(report.blobsDeleted());
        bytesDeleted.add(report.bytesFreed());
        userFilesDeleted.add(report.userFilesDeleted());
        appTokensDeleted.add(report.appTokensDeleted());
        if (report.tagsExpired() + report.tagsRemoved() + report.manifestsDeleted() + report.linksDeleted()
                + report.userFilesDeleted() + report.appTokensDeleted() + report.blobsDeleted() > 0) {
            LOG.info("Garbage collection: {} tag(s) expired, {} tag row(s) left the time machine, {} manifest(s), "
                            + "{} blob link(s), {} dropped build file(s), {} expired app token(s) and {} blob(s) "
                            + "deleted, {} bytes freed", report.tagsExpired(), report.tagsRemoved(),
                    report.manifestsDeleted(), report.linksDeleted(), report.userFilesDeleted(),
                    report.appTokensDeleted(), report.blobsDeleted(), report.bytesFreed());
        }
    }

    private Future<Integer> expireTags() {
        return tags.endExpired(pool, BATCH).compose(expired -> {
            expired.forEach(t -> usage.log("delete_tag", t.namespaceId(), Identity.SERVICE, t.repositoryId(), null,
                    new JsonObject().put("repo", t.repository()).put("namespace", t.namespace()).put("tag", t.name())
                            .put("manifest_digest", t.manifestDigest())
                            .put("expiration_date", Dates.rfc2822(t.expiration()))));
            return expired.size() < BATCH ? Future.succeededFuture(expired.size())
                    : expireTags().map(more -> expired.size() + more);
        });
    }

    private record Manifests(int tags, int manifests) {
        Manifests plus(Manifests o) { return new Manifests(tags + o.tags, manifests + o.manifests); }
    }

    private Future<Manifests> collectManifests(long afterId, Manifests sum) {
        return manifests.collectionCandidates(pool, afterId, REPOSITORIES).compose(candidates -> {
            Future<Manifests> chain = Future.succeededFuture(sum);
            for (Candidate c : candidates) chain = chain.compose(s -> collectRepository(c).map(s::plus));
            return candidates.size() < REPOSITORIES ? chain
                    : chain.compose(s -> collectManifests(candidates.getLast().id(), s));
        });
    }

    /** One repository in one transaction; skipped (until the next pass) while a push or tag change holds it. */
    private Future<Manifests> collectRepository(Candidate repo) {
        record Collected(int tags, List<String> digests) {}
        return pool.withTransaction(tx -> manifests.tryLockRepository(tx, repo.id()).compose(locked -> !locked
                        ? Future.succeededFuture(new Collected(0, List.of()))
                        : tags.deleteBeyondWindow(tx, repo.id()).compose(removed ->
                                manifests.deleteUnreachable(tx, repo.id()).map(digests -> new Collected(removed, digests)))))
                .map(c -> {
                    if (!c.digests().isEmpty()) {
                        usage.log("gc_delete_manifests", repo.namespaceId(), Identity.SERVICE, repo.id(), null,
                                new JsonObject().put("repo", repo.name()).put("namespace", repo.namespace())
                                        .put("count", c.digests().size()).put("manifest_digests", logged(c.digests())));
                    }
                    return new Manifests(c.tags(), c.digests().size());
                });
    }

    private Future<Integer> collectLinks(Link after) {
        record Batch(List<Link> locked, int deleted) {}
        return pool.withTransaction(tx -> blobs.lockUnreferencedLinks(tx, config.grace(), after, BATCH)
                        .compose(links -> blobs.deleteUnreferencedLinks(tx, links, config.grace())
                                .map(n -> new Batch(links, n))))
                .compose(b -> b.locked().size() < BATCH ? Future.succeededFuture(b.deleted())
                        : collectLinks(b.locked().getLast()).map(more -> b.deleted() + more));
    }

    /** Runs a step that deletes up to a batch of rows until a batch comes back short; returns how many it deleted. */
    private static Future<Integer> inBatches(IntFunction<Future<Integer>> step) {
        return step.apply(BATCH).compose(n -> n < BATCH ? Future.succeededFuture(n)
                : inBatches(step).map(more -> n + more));
    }

    private Future<List<Deleted>> collectBlobs(String after, List<Deleted> sum) {
        record Batch(List<String> locked, List<Deleted> deleted) {}
        return pool.withTransaction(tx -> blobs.lockOrphans(tx, after, BATCH)
                        .compose(digests -> blobs.deleteOrphans(tx, digests).map(d -> new Batch(digests, d))))
                .compose(b -> {
                    if (!b.deleted().isEmpty()) {
                        var digests = b.deleted().stream().map(Deleted::digest).toList();
                        usage.log("gc_delete_blobs", null, Identity.SERVICE, null, null, new JsonObject()
                                .put("count", digests.size())
                                .put("bytes", b.deleted().stream().mapToLong(Deleted::size).sum())
                                .put("digests", logged(digests)));
                    }
                    sum.addAll(b.deleted());
                    return b.locked().size() < BATCH ? Future.succeededFuture(sum)
                            : collectBlobs(b.locked().getLast(), sum);
                });
    }

    /** Removes queued bytes while holding their queue rows, so that an upload of the same digest waits for it. */
    private Future<Integer> removeBytes() {
        return pool.withTransaction(tx -> blobs.lockDeletions(tx, BATCH).compose(digests ->
                        deleteFromStorage(digests).compose(v -> blobs.forgetDeletions(tx, digests)).map(digests.size())))
                .compose(n -> n < BATCH ? Future.succeededFuture(n) : removeBytes().map(more -> n + more));
    }

    private Future<Void> deleteFromStorage(List<String> digests) {
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < digests.size(); i += STORAGE_PARALLELISM) {
            var group = digests.subList(i, Math.min(i + STORAGE_PARALLELISM, digests.size()));
            chain = chain.compose(v -> Future.all(group.stream().map(d -> storage.delete(Digest.parse(d))).toList())
                    .mapEmpty());
        }
        return chain;
    }

    private static JsonArray logged(List<String> digests) {
        return new JsonArray(new ArrayList<>(digests.subList(0, Math.min(LOGGED_DIGESTS, digests.size()))));
    }
}
