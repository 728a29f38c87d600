package io.berth.registry.app;

import io.berth.registry.content.RepositoryManifestApi;
import io.berth.registry.content.TagApi;
import io.berth.registry.gc.GcApi;
import io.berth.registry.auth.AppTokenApi;
import io.berth.registry.auth.ApplicationApi;
import io.berth.registry.auth.OAuthApi;
import io.berth.registry.auth.SessionApi;
import io.berth.registry.build.BuildApi;
import io.berth.registry.build.UserFileApi;
import io.berth.registry.http.ApiAuth;
import io.berth.registry.http.ApiFailureHandler;
import io.berth.registry.iam.EntityApi;
import io.berth.registry.iam.OrganizationApi;
import io.berth.registry.iam.PermissionApi;
import io.berth.registry.iam.RecoveryApi;
import io.berth.registry.iam.RobotApi;
import io.berth.registry.iam.TeamApi;
import io.berth.registry.iam.SuperuserApi;
import io.berth.registry.iam.UserApi;
import io.berth.registry.logs.LogsApi;
import io.berth.registry.metrics.MetricsApi;
import io.berth.registry.repo.RepositoryApi;
import io.berth.registry.ui.UiPages;
import io.vertx.ext.web.handler.BodyHandler;
import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.registry.oci.CatalogApi;
import io.berth.registry.oci.ManifestApi;
import io.berth.registry.oci.ReferrersApi;
import io.berth.registry.oci.TagListApi;
import io.berth.registry.oci.BlobApi;
import io.berth.registry.oci.TokenApi;
import io.berth.registry.oci.UploadApi;
import io.berth.registry.oci.V2FailureHandler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Mounts every surface on one router: /v2 (OCI distribution), /api/v1 (Quay-compatible REST), /oauth (Berth as an
 * OAuth provider), /exportedlogs (the downloads of usage-log exports), the few browser pages Quay keeps at the
 * root ({@code /csrf_token}, {@code /confirm}) and, last, the web UI.
 */
final class Routes {
    private Routes() {}

    static Router build(Vertx vertx, Berth.Services s) {
        Router root = Router.router(vertx);

        Router v2 = Router.router(vertx);
        v2.route().handler(ctx -> {
            ctx.response().putHeader("Docker-Distribution-API-Version", "registry/2.0");
            ctx.next();
        });
        v2.route().failureHandler(new V2FailureHandler(s.challenge(), s.usage()));
        new TokenApi(s.config(), s.credentials(), s.tokens(), s.repositories(), s.authorizer(), s.database().pool(),
                s.challenge()).mount(v2);
        // a manifest PUT's body is read (and size-limited) before the asynchronous token check
        ManifestApi.mountBodyHandler(v2);
        // every other /v2 route is about a repository and needs the caller's token (if any) checked first
        v2.route().handler(s.v2Access()::authenticate);
        new CatalogApi(s.config(), s.v2Access(), s.repositories()).mount(v2);
        new ManifestApi(s.v2Access(), s.manifests()).mount(v2);
        new TagListApi(s.config(), s.v2Access(), s.manifests()).mount(v2);
        new ReferrersApi(s.config(), s.v2Access(), s.manifests()).mount(v2);
        new UploadApi(s.v2Access(), s.uploads(), s.blobs()).mount(v2);
        new BlobApi(s.v2Access(), s.blobs()).mount(v2);

        v2.route().last().handler(ctx -> ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "page not found")));
        root.route("/v2*").subRouter(v2);

        Router api = Router.router(vertx);
        api.route().failureHandler(new ApiFailureHandler(s.config().baseUrl()));
        api.route().handler(BodyHandler.create().setBodyLimit(1 << 20));
        var apiAuth = new ApiAuth(s.config(), s.oauthTokens(), s.sessions());
        api.route().handler(apiAuth::handle);
        if (s.config().builds().enabled()) {
            // before the usage-log and repository routes, whose nested repository names would take the build paths
            new BuildApi(s.config(), s.repositories(), s.builds(), s.userFiles()).mount(api);
            new UserFileApi(s.userFiles()).mount(vertx, root, s.config().baseUrl());
        }
        var logsApi = new LogsApi(s.logs(), s.config().usageLog());
        // before the repository routes, whose nested repository names would take .../logs for a name
        logsApi.mount(api);
        var userApi = new UserApi(s.config(), s.users(), s.namespaces(), s.credentials(), s.authorizer(), apiAuth,
                s.organizations());
        userApi.mount(api);
        var sessionApi = new SessionApi(s.config(), s.credentials(), s.sessions(), apiAuth, s.usage());
        sessionApi.mount(api);
        new RecoveryApi(s.recovery()).mount(api);
        new OrganizationApi(s.organizations(), s.namespaces()).mount(api);
        new TeamApi(s.teams()).mount(api);
        new RobotApi(s.robots()).mount(api);
        new EntityApi(s.entities()).mount(api);
        // before the repository API: its nested-name pattern would also match permission paths
        new PermissionApi(s.repositories(), s.permissions()).mount(api);
        new ApplicationApi(s.applications()).mount(api);
        var appTokenApi = new AppTokenApi(s.appTokens());
        if (s.config().appTokens().enabled()) appTokenApi.mount(api);
        if (s.config().featureSuperUsers()) {
            new SuperuserApi(s.superusers(), s.credentials()).mount(api);
            new GcApi(s.garbageCollector(), s.authorizer()).mount(api);
            if (s.config().appTokens().enabled()) appTokenApi.mountSuperuser(api);
        }
        // tag and manifest routes first: the repository routes' name pattern would take /tag/… and /manifest/…
        new TagApi(s.repositories(), s.tags(), s.config().tags().permanentlyDelete()).mount(api);
        new RepositoryManifestApi(s.repositories(), s.manifests(), s.labels()).mount(api);
        new RepositoryApi(s.database().pool(), s.repositories(), s.repositoryRows(), s.tags()).mount(api);
        api.route().last().handler(ctx -> ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "Not Found")));
        root.route("/api/v1*").subRouter(api);

        Router exported = Router.router(vertx);
        exported.route().failureHandler(new ApiFailureHandler(s.config().baseUrl()));
        logsApi.mountDownload(exported);
        exported.route().last().handler(ctx -> ctx.fail(new BerthException(ErrorCode.NOT_FOUND, "Not Found")));
        root.route("/exportedlogs*").subRouter(exported);

        Router oauth = Router.router(vertx);
        new OAuthApi(s.oauthProvider(), apiAuth).mount(oauth);
        root.route("/oauth*").subRouter(oauth);
        sessionApi.mountRoot(root);
        userApi.mountRoot(root);

        new MetricsApi(s.metrics()).mount(root);
        new UiPages(vertx, s.config(), s.database().pool(), apiAuth, sessionApi, s.users(), s.accounts(),
                s.repositories(), s.organizations(), s.tags(), s.permissions(), s.teams(),
                s.robots(), s.namespaces(), s.superusers(), s.builds(), s.logs(), s.userFiles(),
                s.applications(), s.appTokens(), s.recovery()).mount(vertx, root);
        return root;
    }
}
