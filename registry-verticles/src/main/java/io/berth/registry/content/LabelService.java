package io.berth.registry.content;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.oci.ImageConfig;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.content.LabelRepository.Label;
import io.berth.registry.content.ManifestService.Actor;
import io.berth.registry.logs.UsageLogger;
import io.berth.registry.repo.RepositoryRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Manifest labels (quay-api.md §3.9): those of the image config, stored at push ({@code source_type: manifest},
 * immutable), and those added and deleted through the API under Quay's key rules and reserved prefixes.
 */
public final class LabelService {
    private static final String KEY_REGEX = "^[a-z0-9](([a-z0-9]|[-.](?![.-]))*[a-z0-9])?$";
    private static final Pattern KEY = Pattern.compile(KEY_REGEX);
    private static final Set<String> MEDIA_TYPES = Set.of("text/plain", "application/json");

    private final BerthConfig.Tags config;
    private final Pool pool;
    private final ManifestRepository manifests;
    private final LabelRepository labels;
    private final UsageLogger usage;

    public LabelService(BerthConfig.Tags config, Pool pool, ManifestRepository manifests, LabelRepository labels,
                        UsageLogger usage) {
        this.config = config;
        this.pool = pool;
        this.manifests = manifests;
        this.labels = labels;
        this.usage = usage;
    }

    public Future<List<Label>> list(RepositoryRecord repo, String digest, String prefix) {
        return manifest(pool, repo.id(), digest).compose(m -> labels.list(pool, m.id(), prefix));
    }

    public Future<Label> get(RepositoryRecord repo, String digest, String id) {
        return manifest(pool, repo.id(), digest).compose(m -> label(pool, m.id(), id));
    }

    public Future<Label> add(Actor actor, String digest, String key, String value, String mediaType) {
        if (config.reservedLabelPrefixes().stream().anyMatch(key::startsWith)) {
            return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, "Label has a reserved prefix"));
        }
        if (key.length() > 255 || !KEY.matcher(key).matches()) {
            return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                    "Label is of an invalid format or missing please use " + KEY_REGEX + " format for labels"));
        }
        if (mediaType != null && !MEDIA_TYPES.contains(mediaType)) {
            return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                    "Media type is invalid please use a valid media type: text/plain, application/json"));
        }
        long repoId = actor.repository().id();
        return pool.withTransaction(tx -> manifests.lockRepository(tx, repoId)
                        .compose(v -> manifest(tx, repoId, digest))
                        .compose(m -> labels.insert(tx, m.id(), key, value, "api",
                                mediaType != null ? mediaType : mediaTypeOf(value))))
                .onSuccess(label -> log(actor, "manifest_label_add", digest, label,
                        new JsonObject().put("media_type", label.mediaType())));
    }

    /** Deletes a label added through the API; those from the image config cannot be deleted. */
    public Future<Void> delete(Actor actor, String digest, String id) {
        long repoId = actor.repository().id();
        return pool.withTransaction(tx -> manifests.lockRepository(tx, repoId)
                        .compose(v -> manifest(tx, repoId, digest))
                        .compose(m -> label(tx, m.id(), id).compose(label -> {
                            if (!label.sourceType().equals("api")) {
                                return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                                        "Cannot delete immutable label"));
                            }
                            return labels.delete(tx, m.id(), UUID.fromString(label.id())).map(label);
                        })))
                .onSuccess(label -> log(actor, "manifest_label_delete", digest, label, new JsonObject()))
                .mapEmpty();
    }

    /** The labels an image config gives the manifest that uses it. */
    static List<Label> fromConfig(ImageConfig config) {
        var out = new ArrayList<Label>();
        config.labels().forEach((key, value) -> out.add(new Label(null, key, value, "manifest", mediaTypeOf(value))));
        return out;
    }

    /** Quay's guess: a value that parses as a JSON object or array is {@code application/json}. */
    static String mediaTypeOf(String value) {
        String v = value.strip();
        try {
            if (v.startsWith("{") && v.endsWith("}")) {
                new JsonObject(v);
                return "application/json";
            }
            if (v.startsWith("[") && v.endsWith("]")) {
                new JsonArray(v);
                return "application/json";
            }
        } catch (RuntimeException e) {
            // not JSON after all
        }
        return "text/plain";
    }

    private void log(Actor actor, String kind, String digest, Label label, JsonObject extra) {
        RepositoryRecord repo = actor.repository();
        var meta = new JsonObject().put("id", label.id()).put("key", label.key()).put("value", label.value())
                .put("manifest_digest", digest).put("namespace", repo.namespace()).put("repo", repo.name())
                .mergeIn(extra);
        usage.log(kind, repo.namespaceId(), actor.identity(), repo.id(), actor.ip(), meta);
    }

    private Future<ManifestRepository.StoredManifest> manifest(SqlClient db, long repoId, String digest) {
        return manifests.findByDigest(db, repoId, digest)
                .compose(m -> m == null ? Future.failedFuture(notFound()) : Future.succeededFuture(m));
    }

    private Future<Label> label(SqlClient db, long manifestId, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(notFound());
        }
        return labels.find(db, manifestId, uuid)
                .compose(l -> l == null ? Future.failedFuture(notFound()) : Future.succeededFuture(l));
    }

    private static BerthException notFound() {
        return new BerthException(ErrorCode.NOT_FOUND, "Not Found");
    }
}
