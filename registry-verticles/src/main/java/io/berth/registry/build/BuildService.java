package io.berth.registry.build;

import io.berth.model.build.BuildPaths;
import io.berth.model.build.BuildPhase;
import io.berth.model.build.RegistryCredentials;
import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.oci.Digester;
import io.berth.model.ref.Tag;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.SecretBox;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.iam.RobotService;
import io.berth.registry.logs.UsageLogger;
import io.berth.registry.repo.RepositoryRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/**
 * Starting, listing, reading and cancelling builds of a repository the caller was granted access to (the API checks
 * that through the Authorizer first). A new build is a row first; workers are woken after the commit.
 */
public final class BuildService {
    private final BerthConfig config;
    private final Pool pool;
    private final BuildRepository builds;
    private final UserFileService files;
    private final SecretBox box;
    private final BuildEvents events;
    private final BuildBus bus;
    private final UsageLogger usage;
    private final RobotService robots;

    public BuildService(BerthConfig config, Pool pool, BuildRepository builds, UserFileService files, SecretBox box,
                        BuildEvents events, BuildBus bus, UsageLogger usage, RobotService robots) {
        this.config = config;
        this.pool = pool;
        this.builds = builds;
        this.files = files;
        this.box = box;
        this.events = events;
        this.bus = bus;
        this.usage = usage;
        this.robots = robots;
    }

    /**
     * What to build: a dropped file or an archive URL, the context directory and the Dockerfile in it (both relative
     * to the source's root), the tags, and the pull robot for private base images (or null). Made by {@link #of}.
     */
    public record Request(String fileId, String archiveUrl, String context, String dockerfilePath, List<String> tags,
                          String pullRobot) {
        /**
         * Validates a start request as the API and the UI's form give it (blank values absent; {@code tags} null for
         * the default {@code latest}) and works out context and Dockerfile as Quay does (§5.2 of research/builds.md).
         */
        public static Request of(String fileId, String archiveUrl, String subdirectory, String context,
                                 String dockerfile, List<String> tags, String pullRobot) {
            if (fileId == null && archiveUrl == null) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "file_id or archive_url required");
            }
            if (archiveUrl != null && fileId == null) {
                try {
                    var uri = java.net.URI.create(archiveUrl);
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                        throw new IllegalArgumentException("the scheme must be http or https");
                    }
                } catch (IllegalArgumentException e) {
                    throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid Archive URL: " + archiveUrl);
                }
            }
            try {
                if (dockerfile != null) {
                    dockerfile = BuildPaths.relative("dockerfile_path", dockerfile);
                    if (context == null) context = dockerfile.contains("/") ? dockerfile.substring(0, dockerfile.lastIndexOf('/')) : "";
                } else if (subdirectory != null) {
                    context = BuildPaths.relative("subdirectory", subdirectory);
                    dockerfile = context.isEmpty() ? "Dockerfile" : context + "/Dockerfile";
                } else {
                    dockerfile = (context == null ? "" : BuildPaths.relative("context", context) + "/") + "Dockerfile";
                }
                context = BuildPaths.relative("context", context == null ? "" : context);
                dockerfile = BuildPaths.relative("dockerfile_path", dockerfile);
            } catch (IllegalArgumentException e) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, e.getMessage());
            }
            if (!context.isEmpty() && !dockerfile.startsWith(context + "/")) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "The Dockerfile must be inside the build context");
            }
            String relative = context.isEmpty() ? dockerfile : dockerfile.substring(context.length() + 1);
            return new Request(fileId, fileId == null ? archiveUrl : null, context, relative, tags(tags), pullRobot);
        }

        private static List<String> tags(List<String> given) {
            if (given == null) return List.of("latest");
            if (given.isEmpty()) {
                throw new BerthException(ErrorCode.INVALID_REQUEST, "docker_tags must be a non-empty list of tags");
            }
            var tags = new LinkedHashSet<String>();
            for (String t : given) {
                if (!Tag.valid(t)) throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid tag " + t);
                if (!tags.add(t)) throw new BerthException(ErrorCode.INVALID_REQUEST, "docker_tags must be unique");
            }
            return List.copyOf(tags);
        }
    }

    /** Queues a build; the caller's write access to {@code repo} was checked. 429 past the namespace's limit. */
    public Future<BuildRecord> start(Identity who, RepositoryRecord repo, Request request, String ip) {
        return pullCredentials(who, request.pullRobot()).compose(credentials -> queue(who, repo, request, credentials, ip));
    }

    /**
     * The pull robot's name and token, for base images in this registry. As in Quay the caller must administer the
     * robot's namespace (403 otherwise) and the robot must exist (404).
     */
    private Future<RegistryCredentials> pullCredentials(Identity who, String robot) {
        if (robot == null) return Future.succeededFuture();
        int plus = robot.indexOf('+');
        if (plus <= 0 || plus == robot.length() - 1) return Future.failedFuture(Authorizer.refusal(who));
        String namespace = robot.substring(0, plus);
        var owner = new RobotService.Owner(who, namespace.equals(who.username()) ? null : namespace);
        return robots.get(owner, robot.substring(plus + 1))
                .map(view -> new RegistryCredentials(config.serverHostname(), view.robot().name(), view.token()));
    }

    private Future<BuildRecord> queue(Identity who, RepositoryRecord repo, Request request,
                                      RegistryCredentials pullCredentials, String ip) {
        var jobConfig = new JsonObject()
                .put("context", request.context())
                .put("dockerfile_path", request.dockerfilePath())
                .put("docker_tags", new JsonArray(List.copyOf(request.tags())));
        if (request.pullRobot() != null) jobConfig.put("pull_robot", request.pullRobot());
        if (request.fileId() != null) jobConfig.put("file_id", request.fileId());
        else jobConfig.put("archive_url", request.archiveUrl());
        String sealed = pullCredentials == null ? null : box.seal(new JsonObject()
                .put("registry", pullCredentials.registry())
                .put("username", pullCredentials.username())
                .put("password", pullCredentials.password()).encode());
        Integer limit = config.builds().namespaceMaximumBuildCount();
        return pool.withTransaction(tx -> displayName(tx, who, request).compose(name ->
                        builds.lockNamespace(tx, repo.namespaceId())
                                .compose(v -> limit == null ? Future.succeededFuture(0L)
                                        : builds.countAlive(tx, repo.namespaceId()))
                                .compose(alive -> {
                                    if (limit != null && alive >= limit) {
                                        return Future.failedFuture(new BerthException(ErrorCode.TOO_MANY_REQUESTS,
                                                "Maximum queued build rate exceeded."));
                                    }
                                    return builds.insert(tx, UUID.randomUUID(), repo.id(), repo.namespaceId(), name,
                                            jobConfig, who.accountId(), sealed);
                                })
                                .compose(id -> builds.findById(tx, id))))
                .onSuccess(build -> {
                    usage.log("build_dockerfile", repo.namespaceId(), who, repo.id(), ip, new JsonObject()
                            .put("repo", repo.name()).put("namespace", repo.namespace())
                            .put("build_uuid", build.uuid().toString()).put("docker_tags", jobConfig.getJsonArray("docker_tags"))
                            .put("is_manual", true).put("manual_user", who.username())
                            .put(request.fileId() != null ? "fileid" : "archive_url",
                                    request.fileId() != null ? request.fileId() : request.archiveUrl()));
                    events.queued(build);
                    bus.wake();
                });
    }

    /**
     * A short name for the build from its source. A dropped file is checked and held in {@code tx} until the build
     * that refers to it is committed, so that the sweep of unused files cannot delete it in between.
     */
    private Future<String> displayName(SqlClient tx, Identity who, Request request) {
        if (request.fileId() == null) {
            return Future.succeededFuture(Digester.sha256(request.archiveUrl().getBytes(StandardCharsets.UTF_8))
                    .hex().substring(0, 7));
        }
        return files.ownUploaded(tx, who, request.fileId()).map(f -> f.digest().substring("sha256:".length(), 14));
    }

    public Future<List<BuildRecord>> list(RepositoryRecord repo, Long since, int limit) {
        return builds.list(pool, repo.id(), since, limit);
    }

    /** The build of the repository with that uuid, or a 404. */
    public Future<BuildRecord> get(RepositoryRecord repo, String uuid) {
        UUID id;
        try {
            id = UUID.fromString(uuid);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(notFound());
        }
        return builds.find(pool, id).compose(b -> b == null || b.repositoryId() != repo.id()
                ? Future.failedFuture(notFound()) : Future.succeededFuture(b));
    }

    public Future<BuildRepository.LogPage> logs(BuildRecord build, int start, int limit) {
        return builds.logs(pool, build.id(), start, limit);
    }

    /**
     * Cancels a build that has not reached its push: a queued one at once; a running one is marked and its worker
     * told to stop, and it ends {@code cancelled} when the worker reports back (or its lease lapses).
     */
    public Future<Void> cancel(Identity who, BuildRecord build, String ip) {
        return pool.withTransaction(tx -> builds.lock(tx, build.id()).compose(held -> {
                    boolean queued = held.phase() == BuildPhase.WAITING
                            || (held.phase() == BuildPhase.INTERNAL_ERROR && held.retriesRemaining() > 0);
                    if (queued) {
                        return builds.finish(tx, held.id(), BuildPhase.CANCELLED, null, null, null)
                                .compose(v -> builds.appendLog(tx, held.id(), List.of(BuildLog.phase("cancelled", null))))
                                .map(true);
                    }
                    if (held.phase() == BuildPhase.BUILD_SCHEDULED || held.phase() == BuildPhase.UNPACKING
                            || held.phase() == BuildPhase.PULLING || held.phase() == BuildPhase.BUILDING) {
                        return builds.requestCancel(tx, held.id()).map(false);
                    }
                    return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                            "Build is currently running or has finished"));
                }))
                .compose(ended -> {
                    usage.log("cancel_build", build.namespaceId(), who, build.repositoryId(), ip, new JsonObject()
                            .put("build_id", build.uuid().toString()).put("repo", build.repositoryName())
                            .put("namespace", build.namespace()));
                    if (!ended) {
                        bus.cancel(build.uuid().toString());
                        return Future.succeededFuture();
                    }
                    return builds.findById(pool, build.id()).map(b -> {
                        events.finished(b);
                        return null;
                    });
                });
    }

    private static BerthException notFound() {
        return new BerthException(ErrorCode.NOT_FOUND, "Build not found");
    }
}
