package io.berth.registry.oci;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.oci.Digest;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.content.BlobService;
import io.berth.registry.content.UploadService;
import io.berth.registry.http.StreamedBody;
import io.berth.registry.repo.RepositoryRecord;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * Blob uploads: {@code POST /v2/<name>/blobs/uploads/} (session, monolithic {@code ?digest=}, or cross-repository
 * {@code ?mount=&from=}) and {@code GET|PATCH|PUT|DELETE /v2/<name>/blobs/uploads/<uuid>}. Bodies are streamed to
 * storage; these routes have no BodyHandler.
 */
public final class UploadApi {
    private static final String SESSION = "/(?<name>.+)/blobs/uploads/(?<uuid>[^/]+)";
    private static final String START = "/(?<name>.+)/blobs/uploads/?";

    private final V2Access access;
    private final UploadService uploads;
    private final BlobService blobs;

    public UploadApi(V2Access access, UploadService uploads, BlobService blobs) {
        this.access = access;
        this.uploads = uploads;
        this.blobs = blobs;
    }

    /**
     * Mounts the routes. Also registers, ahead of every other /v2 route (order -1), the handler that pauses upload
     * bodies so that no bytes are lost while the token is verified.
     */
    public void mount(Router v2) {
        v2.route().pathRegex("/.+/blobs/uploads(/.*)?").method(HttpMethod.POST).method(HttpMethod.PATCH)
                .method(HttpMethod.PUT).order(-1).handler(StreamedBody::hold);
        v2.routeWithRegex(HttpMethod.POST, START).handler(this::start);
        v2.routeWithRegex(HttpMethod.GET, SESSION).handler(this::status);
        v2.routeWithRegex(HttpMethod.PATCH, SESSION).handler(this::patch);
        v2.routeWithRegex(HttpMethod.PUT, SESSION).handler(this::put);
        v2.routeWithRegex(HttpMethod.DELETE, SESSION).handler(this::cancel);
    }

    private void start(RoutingContext ctx) {
        Reply.attempt(() -> {
            RepositoryName name = access.name(ctx);
            return access.push(ctx, name).compose(granted -> {
                RepositoryRecord repo = granted.repository();
                String mount = ctx.queryParams().get("mount");
                if (mount != null) {
                    return mount(ctx, repo, mount, ctx.queryParams().get("from"))
                            .compose(mounted -> mounted != null ? Future.succeededFuture(created(name, mounted))
                                    : session(name, repo));
                }
                String digest = ctx.queryParams().get("digest");
                if (digest != null) {
                    Digest expected = Digest.parse(digest);
                    return uploads.upload(repo, expected, chunk(ctx)).map(d -> created(name, d));
                }
                return session(name, repo);
            });
        }).recover(UploadApi::interrupted).onSuccess(reply -> reply.send(ctx)).onFailure(ctx::fail);
    }

    /** The mounted digest, or null when the mount cannot happen (the caller then gets an upload session). */
    private Future<Digest> mount(RoutingContext ctx, RepositoryRecord target, String mount, String from) {
        Digest digest;
        RepositoryName source;
        try {
            digest = Digest.parse(mount);
            if (from == null) return Future.succeededFuture(); // no automatic origin discovery
            source = RepositoryName.parse(from, null);
        } catch (BerthException e) {
            return Future.succeededFuture();
        }
        return access.readable(ctx, source).compose(repo -> repo == null ? Future.succeededFuture(false)
                        : blobs.mount(target, repo, digest))
                .map(mounted -> mounted ? digest : null);
    }

    private Future<Reply> session(RepositoryName name, RepositoryRecord repo) {
        return uploads.start(repo).map(u -> progress(202, name, u.id().toString(), 0).header("Content-Length", "0"));
    }

    private void status(RoutingContext ctx) {
        String id = ctx.pathParam("uuid");
        Reply.attempt(() -> {
            RepositoryName name = access.name(ctx);
            return access.push(ctx, name).compose(g -> uploads.status(g.repository(), id))
                    .map(u -> progress(204, name, id, u.size()));
        }).onSuccess(reply -> reply.send(ctx)).onFailure(ctx::fail);
    }

    private void patch(RoutingContext ctx) {
        String id = ctx.pathParam("uuid");
        Reply.attempt(() -> {
            RepositoryName name = access.name(ctx);
            return access.push(ctx, name).compose(g -> uploads.append(g.repository(), id, chunkOrEmpty(ctx)))
                    .map(u -> progress(202, name, id, u.size()).header("Content-Length", "0"))
                    .recover(err -> withProgress(err, name, id));
        }).recover(UploadApi::interrupted).onSuccess(reply -> reply.send(ctx)).onFailure(ctx::fail);
    }

    private void put(RoutingContext ctx) {
        String id = ctx.pathParam("uuid");
        Reply.attempt(() -> {
            RepositoryName name = access.name(ctx);
            return access.push(ctx, name).compose(g -> {
                String digest = ctx.queryParams().get("digest");
                if (digest == null) {
                    throw new BerthException(ErrorCode.BLOB_UPLOAD_INVALID, "the digest query parameter is required");
                }
                return uploads.finish(g.repository(), id, Digest.parse(digest), chunk(ctx));
            }).map(d -> created(name, d)).recover(err -> withProgress(err, name, id));
        }).recover(UploadApi::interrupted).onSuccess(reply -> reply.send(ctx)).onFailure(ctx::fail);
    }

    private void cancel(RoutingContext ctx) {
        String id = ctx.pathParam("uuid");
        Reply.attempt(() -> {
            RepositoryName name = access.name(ctx);
            return access.push(ctx, name).compose(g -> uploads.cancel(g.repository(), id));
        }).onSuccess(v -> Reply.of(204).send(ctx)).onFailure(ctx::fail);
    }

    /** The request's body as an upload chunk, or null when it has none. */
    private static UploadService.Chunk chunk(RoutingContext ctx) {
        var request = ctx.request();
        ByteRanges.Span range = ByteRanges.upload(request.getHeader("Content-Range"));
        if (!StreamedBody.present(request)) {
            request.resume();
            return null;
        }
        return new UploadService.Chunk(request, range == null ? null : range.start(), range == null ? null : range.end(),
                StreamedBody.contentLength(request), () -> StreamedBody.proceed(ctx));
    }

    /** A PATCH always appends, if only nothing: an empty body still checks the range and reports progress. */
    private static UploadService.Chunk chunkOrEmpty(RoutingContext ctx) {
        UploadService.Chunk chunk = chunk(ctx);
        return chunk != null ? chunk : new UploadService.Chunk(null, null, null, 0L, () -> {});
    }

    private static Reply created(RepositoryName name, Digest digest) {
        return Reply.of(201).header("Location", "/v2/" + name + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest.toString()).header("Content-Length", "0");
    }

    private static Reply progress(int status, RepositoryName name, String id, long size) {
        return Reply.of(status).header("Location", "/v2/" + name + "/blobs/uploads/" + id)
                .header("Range", ByteRanges.progress(size)).header("Docker-Upload-UUID", id);
    }

    /** A 416 tells the client where the upload stands, as the spec asks. */
    private static Future<Reply> withProgress(Throwable err, RepositoryName name, String id) {
        if (err instanceof BerthException e && e.code() == ErrorCode.RANGE_NOT_SATISFIABLE
                && e.detail().get("size") instanceof Long size) {
            return Future.failedFuture(new BerthException(e.code(), e.getMessage(), e.detail(),
                    progress(416, name, id, size).headers()));
        }
        return Future.failedFuture(err);
    }

    /** A client that hangs up mid-body is not a server error. */
    private static Future<Reply> interrupted(Throwable err) {
        if (err instanceof HttpClosedException) {
            return Future.failedFuture(new BerthException(ErrorCode.BLOB_UPLOAD_INVALID,
                    "the connection closed before the body was complete"));
        }
        return Future.failedFuture(err);
    }
}
