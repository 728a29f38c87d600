package io.berth.registry.content;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.oci.Descriptor;
import io.berth.model.oci.Digest;
import io.berth.model.oci.Digester;
import io.berth.model.oci.ImageConfig;
import io.berth.model.oci.ManifestParser;
import io.berth.model.oci.MediaTypes;
import io.berth.model.oci.ParsedManifest;
import io.berth.model.ref.Reference;
import io.berth.registry.auth.Identity;
import io.berth.registry.logs.UsageLogger;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.storage.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pushing, pulling and deleting manifests and tags of a repository the caller was already granted access to (the /v2
 * surface checks access first). Each write is one transaction; usage-log entries are handed over after it commits.
 */
public final class ManifestService {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestService.class);
    /** Image configs larger than this are not read for labels and history (they are a few KiB). */
    private static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

    private final Pool pool;
    private final ManifestRepository manifests;
    private final TagRepository tags;
    private final TagService tagService;
    private final LabelRepository labels;
    private final BlobStorage storage;
    private final Duration keepUntagged;
    private final UsageLogger usage;

    /**
     * @param keepUntagged how long a manifest pushed by digest is kept without a tag, index or subject referencing it
     */
    public ManifestService(Pool pool, ManifestRepository manifests, TagRepository tags, TagService tagService,
                           LabelRepository labels, BlobStorage storage, Duration keepUntagged, UsageLogger usage) {
        this.pool = pool;
        this.manifests = manifests;
        this.tags = tags;
        this.tagService = tagService;
        this.labels = labels;
        this.storage = storage;
        this.keepUntagged = keepUntagged;
        this.usage = usage;
    }

    /** Who acts on which repository, from where. */
    public record Actor(RepositoryRecord repository, Identity identity, String ip) {}

    /** A stored manifest as pushed. */
    public record Pushed(Digest digest, Digest subject) {}

    /** One layer of an image manifest with the build step that made it, as Quay's manifest view shows it. */
    public record Layer(int index, long compressedSize, boolean remote, List<String> urls, List<String> command,
                        String comment, String author, String blobDigest, OffsetDateTime created) {}

    /** A manifest with what its config says about it; {@code layers} is null for an index. */
    public record Description(ManifestRepository.StoredManifest manifest, boolean index, String configMediaType,
                              List<Layer> layers) {}

    /**
     * Validates and stores a manifest, then points the tag at it when the reference is a tag. A digest reference must
     * match the content hashed with that digest's algorithm. A new manifest gets the labels of its image config; a
     * {@code quay.expires-after} label among them makes the tag expire.
     */
    public Future<Pushed> put(Actor actor, Reference reference, byte[] body, String contentType) {
        ParsedManifest parsed = ManifestParser.parse(body, contentType);
        Digest digest = switch (reference) {
            case Reference.ByDigest d -> {
                Digest computed = Digester.of(d.digest().algorithm(), body);
                if (!computed.equals(d.digest())) {
                    throw new BerthException(ErrorCode.DIGEST_INVALID,
                            "manifest digest " + computed + " does not match " + d.digest(),
                            Map.of("digest", d.digest().toString()));
                }
                yield computed;
            }
            case Reference.ByTag t -> Digester.sha256(body);
        };
        long repoId = actor.repository().id();
        List<String> blobs = parsed.blobs().stream().map(Digest::toString).toList();
        List<String> children = parsed.children().stream().map(Digest::toString).toList();
        String subject = parsed.subject() == null ? null : parsed.subject().digest().toString();
        Long layersSize = parsed.isIndex() ? null : parsed.layers().stream().mapToLong(Descriptor::size).sum();
        Long keepSeconds = reference instanceof Reference.ByDigest ? keepUntagged.toSeconds() : null;
        return imageConfig(parsed).compose(config -> pool.withTransaction(tx -> manifests.lockRepository(tx, repoId)
                        .compose(v -> manifests.missingBlobs(tx, repoId, blobs))
                        .compose(missing -> missing.isEmpty() ? Future.succeededFuture()
                                : Future.failedFuture(unknownReference("blob", missing)))
                        .compose(v -> manifests.ids(tx, repoId, children))
                        .compose(childIds -> {
                            var missing = children.stream().filter(c -> !childIds.containsKey(c)).toList();
                            if (!missing.isEmpty()) return Future.failedFuture(unknownReference("manifest", missing));
                            return manifests.upsert(tx, repoId, digest.toString(), parsed.mediaType(),
                                            parsed.artifactType(), Buffer.buffer(body), subject,
                                            new JsonObject(new java.util.LinkedHashMap<String, Object>(parsed.annotations())),
                                            layersSize, keepSeconds)
                                    .compose(stored -> (stored.inserted() && config != null
                                            ? labels.insertAll(tx, stored.id(), LabelService.fromConfig(config))
                                            : Future.<Void>succeededFuture())
                                            .compose(v -> manifests.linkBlobs(tx, stored.id(), blobs))
                                            .compose(v -> manifests.linkChildren(tx, stored.id(),
                                                    children.stream().map(childIds::get).toList()))
                                            .compose(v -> reference instanceof Reference.ByTag t
                                                    ? tagService.point(tx, repoId, t.tag(), stored.id())
                                                    : Future.<TagRepository.Change>succeededFuture(null)));
                        })))
                .map(change -> {
                    logPush(actor, reference, digest, change);
                    return new Pushed(digest, parsed.subject() == null ? null : parsed.subject().digest());
                });
    }

    /**
     * The manifest a reference names. For a tag, the client's {@code Accept} list is honoured the one way Berth can
     * without rewriting content: when it refuses the stored index type, the index's linux/amd64 child is served if
     * its type is acceptable; otherwise the tag is reported as unknown in a form the client accepts (404). A digest
     * always gets the stored bytes, since the digest pins them.
     *
     * @param pull whether this is a pull to log ({@code GET}, not {@code HEAD})
     */
    public Future<ManifestRepository.StoredManifest> get(Actor actor, Reference reference, List<String> accept,
                                                         boolean pull) {
        long repoId = actor.repository().id();
        Future<ManifestRepository.StoredManifest> found = switch (reference) {
            case Reference.ByDigest d -> manifests.findByDigest(pool, repoId, d.digest().toString())
                    .compose(m -> m != null ? Future.succeededFuture(m) : Future.failedFuture(manifestUnknown(reference)));
            case Reference.ByTag t -> manifests.findByTag(pool, repoId, t.tag())
                    .compose(m -> m != null ? negotiate(repoId, m, accept)
                            : tags.inTimeMachine(pool, repoId, t.tag()).compose(seen -> Future.failedFuture(seen
                                    ? new BerthException(ErrorCode.TAG_EXPIRED, "Tag " + t.tag()
                                            + " was deleted or has expired. To pull, revive via time machine",
                                            Map.of("tag", t.tag()))
                                    : manifestUnknown(reference))));
        };
        return found.onSuccess(m -> {
            if (pull) usage.log("pull_repo", actor.repository().namespaceId(), actor.identity(),
                    actor.repository().id(), actor.ip(), metadata(actor, reference).put("manifest_digest", m.digest()));
        });
    }

    private Future<ManifestRepository.StoredManifest> negotiate(long repoId, ManifestRepository.StoredManifest m,
                                                                List<String> accept) {
        if (acceptable(m.mediaType(), accept)) return Future.succeededFuture(m);
        BerthException refused = new BerthException(ErrorCode.MANIFEST_UNKNOWN,
                "manifest of type " + m.mediaType() + " found, but the Accept header does not allow it",
                Map.of("mediaType", m.mediaType()));
        if (!MediaTypes.isIndex(m.mediaType())) return Future.failedFuture(refused);
        Descriptor child = ManifestParser.parse(m.content().getBytes(), m.mediaType()).manifests().stream()
                .filter(d -> d.platform() != null && "linux".equals(d.platform().os())
                        && "amd64".equals(d.platform().architecture()) && acceptable(d.mediaType(), accept))
                .findFirst().orElse(null);
        if (child == null) return Future.failedFuture(refused);
        return manifests.findByDigest(pool, repoId, child.digest().toString())
                .compose(c -> c != null ? Future.succeededFuture(c) : Future.failedFuture(refused));
    }

    /**
     * Whether a client's Accept list takes a manifest type. Lists that name no manifest type at all (none sent,
     * {@code * / *}, {@code application/json}, a browser's) take whatever is stored.
     */
    static boolean acceptable(String mediaType, List<String> accept) {
        boolean namesManifestTypes = false;
        for (String a : accept) {
            if (a.equals(mediaType) || a.equals("*/*") || a.equals("application/*")) return true;
            if (MediaTypes.MANIFESTS.contains(a) || a.equals(MediaTypes.DOCKER_SCHEMA1)
                    || a.equals(MediaTypes.DOCKER_SCHEMA1_SIGNED)) {
                namesManifestTypes = true;
            }
        }
        return !namesManifestTypes;
    }

    /**
     * By tag: ends the tag, which enters the time machine. By digest: ends every tag on the manifest and stops
     * serving it; a manifest that an index in the repository still lists cannot be deleted (409).
     */
    public Future<Void> delete(Actor actor, Reference reference) {
        long repoId = actor.repository().id();
        return switch (reference) {
            case Reference.ByTag t -> tagService.delete(actor, t.tag()).compose(found -> found
                    ? Future.succeededFuture() : Future.failedFuture(manifestUnknown(reference)));
            case Reference.ByDigest d -> pool.withTransaction(tx -> manifests.lockRepository(tx, repoId)
                            .compose(v -> deleteManifest(tx, repoId, reference, d.digest().toString())))
                    .onSuccess(ended -> ended.forEach(e -> usage.log("delete_tag",
                            actor.repository().namespaceId(), actor.identity(), repoId, actor.ip(),
                            repoMetadata(actor).put("tag", e.tag()).put("manifest_digest", e.digest()))))
                    .mapEmpty();
        };
    }

    private record EndedTag(String tag, String digest) {}

    private Future<List<EndedTag>> deleteManifest(SqlClient tx, long repoId, Reference reference, String digest) {
        return manifests.findByDigest(tx, repoId, digest).compose(m -> {
            if (m == null) return Future.failedFuture(manifestUnknown(reference));
            return manifests.hasLiveParent(tx, m.id()).compose(referenced -> referenced
                    ? Future.failedFuture(new BerthException(ErrorCode.MANIFEST_REFERENCED,
                            "manifest " + digest + " is a child of an index in this repository; delete the index first",
                            Map.of("digest", digest)))
                    : tags.endAllOn(tx, m.id()).compose(names -> manifests.markDeleted(tx, m.id())
                            .map(names.stream().map(n -> new EndedTag(n, digest)).toList())));
        });
    }

    /** Live tags in byte order after {@code last}, at most {@code limit}. */
    public Future<List<String>> listTags(RepositoryRecord repository, String last, int limit) {
        return tags.listLive(pool, repository.id(), last, limit);
    }

    /** A manifest of the repository with its layers and the config history behind them (Quay's manifest view). */
    public Future<Description> describe(RepositoryRecord repository, String digest) {
        return manifests.findByDigest(pool, repository.id(), digest).compose(m -> {
            if (m == null) return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Not Found"));
            ParsedManifest parsed = ManifestParser.parse(m.content().getBytes(), m.mediaType());
            if (parsed.isIndex()) return Future.succeededFuture(new Description(m, true, null, null));
            return imageConfig(parsed).map(config -> new Description(m, false, parsed.config().mediaType(),
                    layers(m, parsed, config)));
        });
    }

    private static List<Layer> layers(ManifestRepository.StoredManifest m, ParsedManifest parsed, ImageConfig config) {
        JsonArray json = new JsonObject(m.content()).getJsonArray("layers");
        List<ImageConfig.History> steps = config == null ? List.of() : config.layerHistory();
        var out = new ArrayList<Layer>(parsed.layers().size());
        for (int i = 0; i < parsed.layers().size(); i++) {
            Descriptor layer = parsed.layers().get(i);
            JsonArray urls = json.getJsonObject(i).getJsonArray("urls");
            List<String> urlList = urls == null ? null : urls.stream().map(String::valueOf).toList();
            ImageConfig.History step = i < steps.size() ? steps.get(i) : null;
            out.add(new Layer(i, layer.size(), urlList != null && !urlList.isEmpty(), urlList,
                    step == null || step.createdBy() == null ? null : List.of(step.createdBy()),
                    step == null ? null : step.comment(), step == null ? null : step.author(),
                    layer.digest().toString(), step == null ? null : timestamp(step.created())));
        }
        return out;
    }

    private static OffsetDateTime timestamp(String text) {
        if (text == null) return null;
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The image config of an image manifest, read from storage; null for an index, for other artifacts' configs, and
     * when the config cannot be read (the push goes on without labels).
     */
    private Future<ImageConfig> imageConfig(ParsedManifest parsed) {
        if (parsed.isIndex() || !MediaTypes.isImageConfig(parsed.config().mediaType())) {
            return Future.succeededFuture();
        }
        Digest digest = parsed.config().digest();
        return storage.read(digest, MAX_CONFIG_BYTES)
                .map(bytes -> bytes == null ? null : ImageConfig.parse(bytes.getBytes()))
                .recover(err -> {
                    LOG.debug("Could not read image config {}: {}", digest, err.getMessage());
                    return Future.succeededFuture();
                });
    }

    public Future<List<ManifestRepository.Referrer>> referrers(RepositoryRecord repository, Digest subject,
                                                               String artifactType) {
        return manifests.referrers(pool, repository.id(), subject.toString(), artifactType);
    }

    private void logPush(Actor actor, Reference reference, Digest digest, TagRepository.Change change) {
        RepositoryRecord repo = actor.repository();
        usage.log("push_repo", repo.namespaceId(), actor.identity(), repo.id(), actor.ip(),
                metadata(actor, reference).put("manifest_digest", digest.toString()));
        if (change != null) tagService.logPointed(actor, reference.toString(), digest.toString(), change);
    }

    private static JsonObject repoMetadata(Actor actor) {
        return new JsonObject().put("repo", actor.repository().name()).put("namespace", actor.repository().namespace());
    }

    /** Quay's push_repo / pull_repo keys: the tag when pulled or pushed by tag. */
    private static JsonObject metadata(Actor actor, Reference reference) {
        var meta = repoMetadata(actor);
        if (reference instanceof Reference.ByTag t) meta.put("tag", t.tag());
        return meta;
    }

    private static BerthException manifestUnknown(Reference reference) {
        return new BerthException(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: " + reference,
                Map.of(reference instanceof Reference.ByTag ? "tag" : "digest", reference.toString()));
    }

    /** distribution-spec 1.1: every unknown config, layer or child manifest is a MANIFEST_BLOB_UNKNOWN. */
    private static BerthException unknownReference(String what, List<String> missing) {
        return new BerthException(ErrorCode.MANIFEST_BLOB_UNKNOWN,
                what + " unknown to this repository: " + String.join(", ", missing),
                Map.of("digest", missing.get(0)));
    }
}
