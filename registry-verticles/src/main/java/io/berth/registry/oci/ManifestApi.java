package io.berth.registry.oci;

import io.berth.model.ref.Reference;
import io.berth.registry.content.ManifestRepository;
import io.berth.registry.content.ManifestService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.ArrayList;
import java.util.List;

/** {@code GET/HEAD/PUT/DELETE /v2/<name>/manifests/<tag|digest>}. */
public final class ManifestApi {
    /** Largest manifest a PUT may carry (what distribution and Quay accept); more is a 413. */
    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final String PATH = "/(?<name>.+)/manifests/(?<reference>[^/]+)";

    private final V2Access access;
    private final ManifestService manifests;

    public ManifestApi(V2Access access, ManifestService manifests) {
        this.access = access;
        this.manifests = manifests;
    }

    /**
     * Reads a manifest PUT's body before anything asynchronous (the token check) runs, so no bytes are lost; the limit
     * fails with 413 in the /v2 error envelope. Mount before {@link V2Access#authenticate}.
     */
    public static void mountBodyHandler(Router v2) {
        v2.routeWithRegex(HttpMethod.PUT, PATH)
                .handler(BodyHandler.create(false).setBodyLimit(MAX_MANIFEST_BYTES).setHandleFileUploads(false));
    }

    public void mount(Router v2) {
        v2.routeWithRegex(HttpMethod.GET, PATH).handler(ctx -> get(ctx, true));
        v2.routeWithRegex(HttpMethod.HEAD, PATH).handler(ctx -> get(ctx, false));
        v2.routeWithRegex(HttpMethod.PUT, PATH).handler(this::put);
        v2.routeWithRegex(HttpMethod.DELETE, PATH).handler(this::delete);
    }

    private void get(RoutingContext ctx, boolean withBody) {
        var name = access.name(ctx);
        var reference = Reference.parse(ctx.pathParam("reference"));
        access.pull(ctx, name)
                .compose(g -> manifests.get(actor(g), reference, accept(ctx), withBody))
                .onSuccess(m -> send(ctx, m, withBody))
                .onFailure(ctx::fail);
    }

    private static void send(RoutingContext ctx, ManifestRepository.StoredManifest m, boolean withBody) {
        var response = ctx.response()
                .putHeader("Content-Type", m.mediaType())
                .putHeader("Docker-Content-Digest", m.digest())
                .putHeader("Content-Length", String.valueOf(m.content().length()));
        if (withBody) response.end(m.content());
        else response.end();
    }

    private void put(RoutingContext ctx) {
        var name = access.name(ctx);
        var reference = Reference.parse(ctx.pathParam("reference"));
        access.push(ctx, name)
                .compose(g -> manifests.put(actor(g), reference, ctx.body().buffer() == null ? new byte[0]
                        : ctx.body().buffer().getBytes(), ctx.request().getHeader("Content-Type")))
                .onSuccess(pushed -> {
                    var response = ctx.response().setStatusCode(201)
                            .putHeader("Location", "/v2/" + name + "/manifests/" + pushed.digest())
                            .putHeader("Docker-Content-Digest", pushed.digest().toString())
                            .putHeader("Content-Length", "0");
                    if (pushed.subject() != null) response.putHeader("OCI-Subject", pushed.subject().toString());
                    response.end();
                })
                .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        var name = access.name(ctx);
        var reference = Reference.parse(ctx.pathParam("reference"));
        access.delete(ctx, name)
                .compose(g -> manifests.delete(actor(g), reference))
                .onSuccess(v -> ctx.response().setStatusCode(202).putHeader("Content-Length", "0").end())
                .onFailure(ctx::fail);
    }

    private static ManifestService.Actor actor(V2Access.Granted g) {
        return new ManifestService.Actor(g.repository(), g.identity(), g.ip());
    }

    /** The media types of every Accept header, without parameters. */
    private static List<String> accept(RoutingContext ctx) {
        var types = new ArrayList<String>();
        for (String header : ctx.request().headers().getAll("Accept")) {
            for (String part : header.split(",")) {
                String type = part.split(";", 2)[0].trim();
                if (!type.isEmpty()) types.add(type);
            }
        }
        return types;
    }
}
