package io.berth.registry.app;

import io.berth.registry.auth.AppTokenRepository;
import io.berth.registry.auth.AppTokenService;
import io.berth.registry.auth.ApplicationService;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.CredentialService;
import io.berth.registry.auth.OAuthTokenRepository;
import io.berth.registry.auth.OAuthProvider;
import io.berth.registry.auth.OAuthTokens;
import io.berth.registry.auth.PasswordHasher;
import io.berth.registry.auth.RegistryTokens;
import io.berth.registry.auth.Secrets;
import io.berth.registry.auth.SecretBox;
import io.berth.registry.auth.SessionRepository;
import io.berth.registry.auth.Sessions;
import io.berth.registry.iam.EntityService;
import io.berth.registry.iam.NamespaceService;
import io.berth.registry.iam.OrganizationRepository;
import io.berth.registry.iam.OrganizationService;
import io.berth.registry.iam.PermissionRepository;
import io.berth.registry.iam.PermissionService;
import io.berth.registry.iam.RecoveryRepository;
import io.berth.registry.iam.RecoveryService;
import io.berth.registry.iam.RobotRepository;
import io.berth.registry.iam.RobotService;
import io.berth.registry.iam.TeamService;
import io.berth.registry.iam.SuperuserService;
import io.berth.registry.iam.UserService;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.content.LabelRepository;
import io.berth.registry.content.LabelService;
import io.berth.registry.content.ManifestRepository;
import io.berth.registry.content.ManifestService;
import io.berth.registry.content.TagRepository;
import io.berth.registry.content.TagService;
import io.berth.registry.content.BlobRepository;
import io.berth.registry.content.BlobService;
import io.berth.registry.content.UploadHashes;
import io.berth.registry.content.UploadRepository;
import io.berth.registry.content.UploadService;
import io.berth.registry.gc.GarbageCollector;
import io.berth.registry.gc.UploadSweeper;
import io.berth.model.build.ProtocolCodec;
import io.berth.registry.build.BuildApi;
import io.berth.registry.build.BuildBus;
import io.berth.registry.build.BuildEvents;
import io.berth.registry.build.BuildManager;
import io.berth.registry.build.BuildQueue;
import io.berth.registry.build.BuildRepository;
import io.berth.registry.build.BuildService;
import io.berth.registry.build.UserFileRepository;
import io.berth.registry.build.UserFileService;
import io.berth.registry.build.WorkerGateway;
import io.berth.registry.db.Database;
import io.berth.registry.http.RequestIds;
import io.berth.registry.iam.AccountRepository;
import io.berth.registry.logs.CallbackUrls;
import io.berth.registry.logs.ExportRepository;
import io.berth.registry.logs.LogExporter;
import io.berth.registry.logs.LogPartitionRepository;
import io.berth.registry.logs.LogRepository;
import io.berth.registry.logs.LogRetention;
import io.berth.registry.logs.LogService;
import io.berth.registry.iam.NamespaceService;
import io.berth.registry.logs.UsageLogger;
import io.berth.registry.metrics.Metrics;
import io.berth.registry.mail.Mailer;
import io.berth.registry.oci.V2Access;
import io.berth.registry.oci.V2Challenge;
import io.berth.registry.repo.RepositoryRepository;
import io.berth.registry.repo.RepositoryService;
import io.berth.registry.storage.BlobStorage;
import io.berth.registry.storage.fs.FileSystemStorage;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every service by constructor, mounts every surface and deploys the verticles.
 * Nothing else in the registry constructs services.
 */
public final class Berth {
    private static final Logger LOG = LoggerFactory.getLogger(Berth.class);

    private final Vertx vertx;
    private final Database database;
    private final UsageLogger usage;
    private final Services services;
    private final Router router;
    private final String localWorker;

    private Berth(Vertx vertx, Database database, UsageLogger usage, Services services, Router router,
                  String localWorker) {
        this.vertx = vertx;
        this.database = database;
        this.usage = usage;
        this.services = services;
        this.router = router;
        this.localWorker = localWorker;
    }

    /** Every service of a node, for the surfaces to mount and for tests to reach. */
    public record Services(BerthConfig config, Database database, BlobStorage storage, PasswordHasher passwords,
                           RegistryTokens tokens, AccountRepository accounts, RepositoryRepository repositoryRows,
                           Authorizer authorizer, UsageLogger usage, RepositoryService repositories,
                           V2Access v2Access, V2Challenge challenge, OAuthTokens oauthTokens,
                           CredentialService credentials, UserService users, OrganizationService organizations,
                           TeamService teams, RobotService robots, PermissionService permissions,
                           ManifestService manifests, Mailer mailer,
                           BlobService blobs, UploadService uploads, UploadSweeper uploadSweeper,
                           Sessions sessions, NamespaceService namespaces, ApplicationService applications,
                           AppTokenService appTokens,
                           EntityService entities,
                           OAuthProvider oauthProvider, SuperuserService superusers, RecoveryService recovery,
                           TagService tags, LabelService labels, Metrics metrics, GarbageCollector garbageCollector,
                           LogService logs, LogExporter logExporter, LogRetention logRetention,
                           UserFileService userFiles, BuildService builds, BuildQueue buildQueue,
                           BuildManager buildManager, WorkerGateway workerGateway, String clusterSecret) {}

    public static Future<Berth> start(Vertx vertx, BerthConfig config) {
        return vertx.executeBlocking(() -> Secrets.loadOrCreate(config.dataDir(),
                        config.instanceServiceKeyLocation(), config.databaseSecretKey()), false)
                .compose(secrets -> Database.open(vertx, config).compose(db -> {
                    try {
                        Services services = wire(vertx, config, secrets, db);
                        return deploy(vertx, services).compose(router -> LocalWorker.deploy(vertx, config,
                                        services.clusterSecret())
                                        .map(worker -> new Berth(vertx, db, services.usage(), services, router, worker)))
                                .onFailure(err -> db.close());
                    } catch (RuntimeException e) {
                        db.close();
                        return Future.failedFuture(e);
                    }
                }));
    }

    private static Services wire(Vertx vertx, BerthConfig config, Secrets secrets, Database db) {
        var pool = db.pool();
        var storage = new FileSystemStorage(vertx, config.storagePath());
        var passwords = new PasswordHasher(vertx);
        var tokens = new RegistryTokens(vertx, secrets, config.registryJwtIssuer(), config.serverHostname());
        var accounts = new AccountRepository();
        var repositoryRows = new RepositoryRepository();
        var organizationRows = new OrganizationRepository();
        var permissionRows = new PermissionRepository();
        var robotRows = new RobotRepository();
        var oauthRows = new OAuthTokenRepository();
        var appTokenRows = new AppTokenRepository();
        var buildRows = new BuildRepository();
        var authorizer = new Authorizer(config, accounts, organizationRows, permissionRows, robotRows, oauthRows,
                appTokenRows, buildRows);
        var logRows = new LogRepository();
        var logPartitions = new LogPartitionRepository();
        var usage = new UsageLogger(vertx, pool, logRows, logPartitions, config.usageLog().enabled());
        var oauthTokens = new OAuthTokens(pool, oauthRows);
        var box = new SecretBox(secrets.databaseKey());
        var sessions = new Sessions(pool, new SessionRepository(), secrets.databaseKey(), config.freshLoginTimeout(),
                config.preferredUrlScheme().equals("https"));
        var credentials = new CredentialService(config, pool, accounts, robotRows, passwords, oauthTokens,
                appTokenRows, box, usage);
        var mailer = new Mailer(vertx, config.mail());
        var namespaces = new NamespaceService(config, pool, authorizer, accounts, organizationRows, oauthTokens,
                sessions, usage);
        var users = new UserService(config, pool, accounts, passwords, oauthRows, oauthTokens, sessions, mailer,
                namespaces, usage);
        var organizations = new OrganizationService(config, pool, accounts, organizationRows, permissionRows,
                authorizer, credentials, namespaces, usage);
        var permissions = new PermissionService(pool, accounts, organizationRows, permissionRows, organizations, usage);
        var repositories = new RepositoryService(pool, repositoryRows, accounts, permissions, authorizer, usage);
        var challenge = new V2Challenge(config.baseUrl() + "/v2/auth", config.serverHostname());
        var v2Access = new V2Access(config, tokens, repositories, authorizer, pool, challenge);
        var teams = new TeamService(pool, accounts, organizationRows, permissionRows, organizations, authorizer, mailer,
                config.baseUrl(), usage);
        var robots = new RobotService(pool, accounts, robotRows, organizationRows, permissionRows, organizations,
                authorizer, box, config.serverHostname(), usage);
        var applications = new ApplicationService(pool, oauthRows, oauthTokens, box, organizations, authorizer, usage);
        var appTokens = new AppTokenService(config.appTokens(), pool, appTokenRows, box, authorizer, usage);
        var entities = new EntityService(pool, accounts, organizationRows, authorizer);
        var oauthProvider = new OAuthProvider(config, pool, oauthRows, oauthTokens, box, usage);
        var recovery = new RecoveryService(config, pool, accounts, organizationRows, new RecoveryRepository(), mailer);
        var superusers = new SuperuserService(config, pool, authorizer, accounts, users, organizations, namespaces,
                recovery, usage);
        var manifestRows = new ManifestRepository();
        var tagRows = new TagRepository();
        var labelRows = new LabelRepository();
        var blobRows = new BlobRepository();
        var tags = new TagService(config.tags(), pool, manifestRows, tagRows, labelRows, blobRows, usage);
        var labels = new LabelService(config.tags(), pool, manifestRows, labelRows, usage);
        var manifests = new ManifestService(pool, manifestRows, tagRows, tags, labelRows, storage, config.gc().grace(),
                usage);
        var uploadRows = new UploadRepository();
        var uploadHashes = new UploadHashes();
        var blobs = new BlobService(pool, blobRows, storage);
        var uploads = new UploadService(vertx, pool, uploadRows, blobRows, storage, uploadHashes,
                config.maximumLayerSize());
        var uploadSweeper = new UploadSweeper(vertx, pool, uploadRows, storage, uploadHashes, config.uploadExpiration());
        var metrics = new Metrics();
        var userFiles = new UserFileService(config, pool, new UserFileRepository(), blobRows, storage, secrets.databaseKey());
        var garbageCollector = new GarbageCollector(vertx, pool, tagRows, manifestRows, blobRows, storage, userFiles,
                appTokens, usage, metrics, config.gc());
        var exports = new ExportRepository();
        var callbacks = new CallbackUrls(vertx, config.usageLog().callbackAllowedHosts());
        var logs = new LogService(vertx, pool, logRows, exports, authorizer, repositories, users, callbacks, storage,
                mailer);
        var logExporter = new LogExporter(vertx, pool, exports, logRows, storage, callbacks, usage, mailer,
                config.baseUrl(), config.usageLog().exportLifetime());
        var logRetention = new LogRetention(vertx, pool, logRows, logPartitions, exports, storage,
                config.usageLog().retention(), config.usageLog().exportLifetime());
        // a standalone node's only worker runs in-process, so a secret of the moment is enough
        String clusterSecret = config.cluster() != null ? config.cluster().secret()
                : java.util.UUID.randomUUID() + "-" + java.util.UUID.randomUUID();
        var codec = new ProtocolCodec(clusterSecret);
        var buildBus = new BuildBus(vertx, codec);
        var buildEvents = new BuildEvents(vertx, config);
        var buildQueue = new BuildQueue(config, pool, buildRows, userFiles, tokens, box, buildEvents, buildBus);
        var builds = new BuildService(config, pool, buildRows, userFiles, box, buildEvents, buildBus, usage, robots);
        var buildManager = new BuildManager(vertx, db, buildQueue, codec, config.builds().lease());
        var workerGateway = new WorkerGateway(vertx, buildQueue, codec);
        return new Services(config, db, storage, passwords, tokens, accounts, repositoryRows, authorizer, usage,
                repositories, v2Access, challenge, oauthTokens, credentials, users, organizations, teams, robots,
                permissions, manifests, mailer, blobs, uploads, uploadSweeper, sessions, namespaces, applications, appTokens,
                entities, oauthProvider, superusers, recovery, tags, labels, metrics, garbageCollector, logs, logExporter,
                logRetention, userFiles, builds, buildQueue, buildManager, workerGateway, clusterSecret);
    }

    /** Deploys the HTTP verticles and background work; the in-process build worker comes after, in {@link #start}. */
    private static Future<Router> deploy(Vertx vertx, Services services) {
        Router router = Routes.build(vertx, services);
        router.route().order(-1000).handler(RequestIds::assign);
        var options = new HttpServerOptions().setPort(services.config().port()).setCompressionSupported(false)
                .setMaxHeaderSize(64 * 1024);
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        boolean builds = services.config().builds().enabled();
        return vertx.deployVerticle(() -> new HttpVerticle(router, options), new DeploymentOptions().setInstances(instances))
                .onSuccess(id -> services.uploadSweeper().start())
                .onSuccess(id -> {
                    // garbage collection writes; a read-only registry keeps everything as it is
                    if (services.config().gc().enabled() && !services.config().readOnly()) {
                        services.garbageCollector().start();
                    }
                })
                .onSuccess(id -> services.logRetention().start())
                .onSuccess(id -> services.logExporter().start())
                .onSuccess(id -> LOG.info("Berth is listening on port {} as {}", services.config().port(),
                        services.config().baseUrl()))
                .compose(id -> builds ? services.workerGateway().start() : Future.succeededFuture())
                .onSuccess(v -> {
                    if (builds) services.buildManager().start();
                })
                .map(router);
    }

    public Services services() { return services; }

    /** Every route of the node (tests enumerate them). */
    public Router router() { return router; }

    /**
     * Lets the export in hand finish, flushes pending log entries, then closes the database (stopping an embedded
     * PostgreSQL).
     */
    public Future<Void> stop() {
        services.uploadSweeper().stop();
        services.garbageCollector().stop();
        services.logRetention().stop();
        Future<Void> worker = localWorker == null ? Future.succeededFuture() : vertx.undeploy(localWorker);
        return worker.eventually(() -> services.workerGateway().stop())
                .eventually(() -> services.buildManager().stop())
                .eventually(() -> services.logExporter().stop())
                .eventually(usage::close).eventually(() -> vertx.executeBlocking(() -> {
            database.close();
            return null;
        }, false)).mapEmpty();
    }
}
