package io.berth.registry.oci;

import io.berth.model.oci.Digest;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.content.BlobService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code HEAD|GET|DELETE /v2/<name>/blobs/<digest>}: blob reads (with byte ranges) and unlinking a blob. */
public final class BlobApi {
    private static final String BLOB = "/(?<name>.+)/blobs/(?<digest>[^/]+)";

    private final V2Access access;
    private final BlobService blobs;

    public BlobApi(V2Access access, BlobService blobs) {
        this.access = access;
        this.blobs = blobs;
    }

    public void mount(Router v2) {
        v2.route().pathRegex(BLOB).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::fetch);
        v2.routeWithRegex(HttpMethod.DELETE, BLOB).handler(this::delete);
    }

    private void fetch(RoutingContext ctx) {
        record Found(Digest digest, long total) {}
        Reply.attempt(() -> {
            RepositoryName name = access.name(ctx);
            Digest digest = Digest.parse(ctx.pathParam("digest"));
            return access.pull(ctx, name).compose(g -> blobs.size(g.repository(), digest))
                    .map(total -> new Found(digest, total));
        }).onSuccess(found -> {
            ByteRanges.Span span;
            try {
                span = ByteRanges.read(ctx.request().getHeader("Range"), found.total());
            } catch (RuntimeException e) {
                ctx.fail(e);
                return;
            }
            long offset = span == null ? 0 : span.start();
            long length = span == null ? found.total() : span.length();
            var response = ctx.response()
                    .putHeader("Content-Type", "application/octet-stream")
                    .putHeader("Docker-Content-Digest", found.digest().toString())
                    .putHeader("ETag", "\"" + found.digest() + "\"")
                    .putHeader("Accept-Ranges", "bytes")
                    .putHeader("Cache-Control", "max-age=31536000")
                    .putHeader("Content-Length", String.valueOf(length));
            if (span != null) {
                response.setStatusCode(206).putHeader("Content-Range",
                        "bytes " + span.start() + "-" + span.end() + "/" + found.total());
            }
            if (ctx.request().method() == HttpMethod.HEAD || length == 0) {
                response.end();
            } else {
                blobs.send(found.digest(), response, offset, length).onFailure(ctx::fail);
            }
        }).onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        Reply.attempt(() -> {
            RepositoryName name = access.name(ctx);
            Digest digest = Digest.parse(ctx.pathParam("digest"));
            return access.push(ctx, name).compose(g -> blobs.unlink(g.repository(), digest));
        }).onSuccess(v -> Reply.of(202).header("Content-Length", "0").send(ctx)).onFailure(ctx::fail);
    }
}
