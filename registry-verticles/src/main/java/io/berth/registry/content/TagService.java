package io.berth.registry.content;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.config.ConfigLoader;
import io.berth.registry.content.ManifestService.Actor;
import io.berth.registry.content.TagRepository.Change;
import io.berth.registry.content.TagRepository.TagRow;
import io.berth.registry.http.Dates;
import io.berth.registry.logs.UsageLogger;
import io.berth.registry.repo.RepositoryRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Tags and the time machine: history, create or move, delete, restore, permanent removal and expiration, for a
 * repository the caller was already granted access to. Every change runs under the repository lock, so it is ordered
 * with pushes and with garbage collection, and writes its usage-log entry after it commits.
 */
public final class TagService {
    /** The image label that makes a tag expire that long after it is pushed ({@code 1h}, {@code 2d}, {@code 3w}). */
    private static final String EXPIRES_AFTER = "quay.expires-after";

    private final BerthConfig.Tags config;
    private final Pool pool;
    private final ManifestRepository manifests;
    private final TagRepository tags;
    private final LabelRepository labels;
    private final BlobRepository blobs;
    private final UsageLogger usage;

    public TagService(BerthConfig.Tags config, Pool pool, ManifestRepository manifests, TagRepository tags,
                      LabelRepository labels, BlobRepository blobs, UsageLogger usage) {
        this.config = config;
        this.pool = pool;
        this.manifests = manifests;
        this.tags = tags;
        this.labels = labels;
        this.blobs = blobs;
        this.usage = usage;
    }

    /** One page of history, and whether more follow. */
    public record Page(List<TagRow> tags, boolean hasAdditional) {}

    /** What the repository view shows of a repository's content. */
    public record Summary(long size, List<TagRow> tags) {}

    /**
     * A tag change as Quay's {@code PUT …/tag/<tag>} asks for it: {@code setExpiration} with {@code expiration} (unix
     * seconds, null to clear), and/or {@code manifestDigest} to point the tag at.
     */
    public record Update(boolean setExpiration, Long expiration, boolean setManifest, String manifestDigest) {}

    public Future<Page> history(RepositoryRecord repo, TagRepository.Filter filter, int page, int limit) {
        return tags.history(pool, repo.id(), filter, limit + 1, (page - 1) * limit)
                .map(rows -> new Page(rows.subList(0, Math.min(limit, rows.size())), rows.size() > limit));
    }

    public Future<Summary> summary(RepositoryRecord repo, int maxTags) {
        return manifests.repositorySize(pool, repo.id())
                .compose(size -> tags.live(pool, repo.id(), maxTags).map(live -> new Summary(size, live)));
    }

    /** Applies the expiration first (the tag must be live), then the move, in one transaction, as Quay orders them. */
    public Future<Void> update(Actor actor, String name, Update update) {
        long repoId = actor.repository().id();
        record Done(ExpirationChange expiration, String digest, Change change) {}
        return pool.withTransaction(tx -> manifests.lockRepository(tx, repoId)
                        .compose(v -> update.setExpiration()
                                ? changeExpiration(tx, repoId, name, update.expiration())
                                : Future.<ExpirationChange>succeededFuture())
                        .compose(expiration -> !update.setManifest()
                                ? Future.succeededFuture(new Done(expiration, null, null))
                                : manifestOf(tx, repoId, update.manifestDigest()).compose(m ->
                                        point(tx, repoId, name, m.id()).map(c -> new Done(expiration, m.digest(), c)))))
                .onSuccess(done -> {
                    ExpirationChange e = done.expiration();
                    if (e != null && (e.before() != null || e.after() != null)) {
                        log(actor, "change_tag_expiration", name, new JsonObject()
                                .put("expiration_date", Dates.rfc2822(e.after()))
                                .put("old_expiration_date", Dates.rfc2822(e.before())));
                    }
                    if (done.change() != null) logPointed(actor, name, done.digest(), done.change());
                })
                .mapEmpty();
    }

    private record ExpirationChange(OffsetDateTime before, OffsetDateTime after) {}

    private Future<ExpirationChange> changeExpiration(SqlClient tx, long repoId, String name, Long expiration) {
        return tags.lockLive(tx, repoId, name).compose(live -> live == null ? Future.failedFuture(notFound())
                : tags.setExpiration(tx, live.id(), expiration, config.expirationMinimum(), config.expirationMaximum())
                        .map(after -> new ExpirationChange(live.expiration(), after)));
    }

    /** Ends the live tag, which enters the time machine; false when there is no live tag of that name. */
    public Future<Boolean> delete(Actor actor, String name) {
        long repoId = actor.repository().id();
        return pool.withTransaction(tx -> manifests.lockRepository(tx, repoId).compose(v -> tags.end(tx, repoId, name)))
                .map(digest -> {
                    if (digest != null) log(actor, "delete_tag", name, new JsonObject().put("manifest_digest", digest));
                    return digest != null;
                });
    }

    /**
     * Points the tag again at a manifest it pointed at within the time machine window (a reversion). A manifest
     * deleted by digest is served again, and its blobs linked to the repository again.
     */
    public Future<Void> restore(Actor actor, String name, String digest) {
        long repoId = actor.repository().id();
        return pool.withTransaction(tx -> manifests.lockRepository(tx, repoId)
                        .compose(v -> manifests.findIncludingDeleted(tx, repoId, digest))
                        .compose(m -> m == null ? Future.<Change>failedFuture(notFound())
                                : tags.pointedWithinWindow(tx, repoId, name, m.id()).compose(within -> !within
                                        ? Future.failedFuture(notFound())
                                        : manifests.revive(tx, m.id())
                                                .compose(v -> blobs.linkManifestTree(tx, repoId, m.id()))
                                                .compose(v -> tags.point(tx, repoId, name, m.id(), null, true)))))
                .onSuccess(change -> log(actor, "revert_tag", name, new JsonObject().put("manifest_digest", digest)
                        .put("original_manifest_digest", change.previousDigest())))
                .mapEmpty();
    }

    /**
     * Removes the tag from the time machine for good (Quay's {@code PERMANENTLY_DELETE_TAGS}): with {@code live},
     * its live row (whatever it points at); else its rows on {@code digest} that ended within the window. Garbage
     * collection then reclaims what only those rows kept. With {@code includeSubmanifests} the children of that
     * manifest (an index) lose their push holds too, so they go with it unless a tag or another index keeps them;
     * without, each child stays as long as its push hold says ({@code PUSH_TEMP_TAG_EXPIRATION_SEC}).
     */
    public Future<Void> removeFromTimeMachine(Actor actor, String name, String digest, boolean live,
                                              boolean includeSubmanifests) {
        long repoId = actor.repository().id();
        return pool.withTransaction(tx -> manifests.lockRepository(tx, repoId)
                        .compose(v -> live
                                ? tags.lockLive(tx, repoId, name).map(t -> t == null ? null : t.manifestDigest())
                                : Future.succeededFuture(digest))
                        .compose(d -> d == null ? Future.<String>failedFuture(notFound())
                                : manifests.findIncludingDeleted(tx, repoId, d).compose(m -> m == null
                                        ? Future.failedFuture(notFound())
                                        : tags.removeFromTimeMachine(tx, repoId, name, m.id(), live).compose(n -> n == 0
                                                ? Future.failedFuture(notFound())
                                                : (includeSubmanifests ? manifests.releaseChildren(tx, m.id())
                                                        : Future.<Void>succeededFuture()).map(d)))))
                .onSuccess(d -> log(actor, "permanently_delete_tag", name, new JsonObject().put("manifest_digest", d)))
                .mapEmpty();
    }

    /**
     * Points a tag at a manifest inside the caller's transaction (which holds the repository lock). A new row
     * expires as the manifest's {@code quay.expires-after} label says, kept within Quay's expiration bounds.
     */
    Future<Change> point(SqlClient tx, long repoId, String name, long manifestId) {
        return labels.value(tx, manifestId, EXPIRES_AFTER)
                .compose(label -> tags.point(tx, repoId, name, manifestId, expiresAfter(label), false));
    }

    private Long expiresAfter(String label) {
        if (label == null) return null;
        Duration after;
        try {
            after = ConfigLoader.parseDuration(label);
        } catch (IllegalArgumentException e) {
            return null; // as in Quay, a label that is no duration is ignored
        }
        return Math.clamp(after.toSeconds(), config.expirationMinimum().toSeconds(),
                config.expirationMaximum().toSeconds());
    }

    /** The usage-log entry of a tag pointed at a manifest: {@code create_tag} or {@code move_tag}. */
    void logPointed(Actor actor, String name, String digest, Change change) {
        if (change.kind() == Change.Kind.UNCHANGED) return;
        log(actor, change.kind() == Change.Kind.MOVED ? "move_tag" : "create_tag", name, new JsonObject()
                .put("manifest_digest", digest).put("original_manifest_digest", change.previousDigest()));
    }

    /** Writes an entry with Quay's tag metadata plus {@code extra} (null values left out). */
    private void log(Actor actor, String kind, String name, JsonObject extra) {
        RepositoryRecord repo = actor.repository();
        var meta = new JsonObject().put("username", actor.identity().username()).put("repo", repo.name())
                .put("namespace", repo.namespace()).put("tag", name);
        extra.forEach(e -> {
            if (e.getValue() != null) meta.put(e.getKey(), e.getValue());
        });
        usage.log(kind, repo.namespaceId(), actor.identity(), repo.id(), actor.ip(), meta);
    }

    private Future<ManifestRepository.StoredManifest> manifestOf(SqlClient tx, long repoId, String digest) {
        if (digest == null) return Future.failedFuture(notFound());
        return manifests.findByDigest(tx, repoId, digest)
                .compose(m -> m == null ? Future.failedFuture(notFound()) : Future.succeededFuture(m));
    }

    private static BerthException notFound() {
        return new BerthException(ErrorCode.NOT_FOUND, "Not Found");
    }
}
