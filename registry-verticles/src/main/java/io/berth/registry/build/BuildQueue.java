package io.berth.registry.build;

import io.berth.model.build.BuildJob;
import io.berth.model.build.BuildMessage;
import io.berth.model.build.BuildMessage.Ack;
import io.berth.model.build.BuildPhase;
import io.berth.model.build.BuildSource;
import io.berth.model.build.RegistryCredentials;
import io.berth.registry.auth.RegistryTokens;
import io.berth.registry.auth.SecretBox;
import io.berth.registry.config.BerthConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The queue side of builds: leasing jobs to workers, and taking their heartbeats, phases, log lines and results. A
 * worker's change is accepted only under the lease it was granted. An attempt that fails internally (the worker
 * says so, or its lease lapses) goes back to the queue while the build has tries left; a user error ends it at once.
 */
public final class BuildQueue {
    /** How long a build's push token lives: Quay's longest build time. */
    static final int PUSH_TOKEN_SECONDS = 7200;
    static final String WORKER_LOST = "The worker running the build stopped responding";
    private static final Ack NOT_HELD = new Ack(false, true, "the build is not leased to this worker any more");

    private final BerthConfig config;
    private final Pool pool;
    private final BuildRepository builds;
    private final UserFileService files;
    private final RegistryTokens tokens;
    private final SecretBox box;
    private final BuildEvents events;
    private final BuildBus bus;

    public BuildQueue(BerthConfig config, Pool pool, BuildRepository builds, UserFileService files,
                      RegistryTokens tokens, SecretBox box, BuildEvents events, BuildBus bus) {
        this.config = config;
        this.pool = pool;
        this.builds = builds;
        this.files = files;
        this.tokens = tokens;
        this.box = box;
        this.events = events;
        this.bus = bus;
    }

    private long leaseSeconds() { return config.builds().lease().toSeconds(); }

    /** Leases the next build to the worker: an {@link BuildMessage.Offer}, or {@link BuildMessage.NoWork}. */
    public Future<BuildMessage> claim(String workerId) {
        UUID lease = UUID.randomUUID();
        return pool.withTransaction(tx -> builds.claim(tx, workerId, lease, leaseSeconds())
                        .compose(id -> id == null ? Future.<Long>succeededFuture()
                                : builds.appendLog(tx, id, List.of(BuildLog.phase("build-scheduled", null))).map(id)))
                .compose(id -> id == null ? Future.succeededFuture(new BuildMessage.NoWork())
                        : builds.findById(pool, id).map(b -> new BuildMessage.Offer(lease.toString(),
                                (int) leaseSeconds(), job(b))));
    }

    private BuildJob job(BuildRecord b) {
        JsonObject c = b.jobConfig();
        String fileId = c.getString("file_id");
        BuildSource source = new BuildSource.Archive(fileId != null ? files.downloadUrl(UUID.fromString(fileId))
                : c.getString("archive_url"));
        RegistryCredentials pull = null;
        if (b.pullCredentials() != null) {
            var sealed = new JsonObject(box.open(b.pullCredentials()));
            pull = new RegistryCredentials(sealed.getString("registry"), sealed.getString("username"),
                    sealed.getString("password"));
        }
        String path = b.repositoryPath();
        return new BuildJob(b.uuid().toString(), config.serverHostname(), path, source, c.getString("context"),
                c.getString("dockerfile_path"), c.getJsonArray("docker_tags").getList().stream().map(String::valueOf).toList(),
                pull, tokens.issueForBuild(b.uuid().toString(), path, PUSH_TOKEN_SECONDS));
    }

    public Future<Ack> heartbeat(BuildMessage.Heartbeat h) {
        return parse(h.buildUuid(), h.leaseToken()).compose(ids -> ids == null ? Future.succeededFuture(NOT_HELD)
                : builds.renew(pool, ids[0], ids[1], leaseSeconds())
                        .map(cancel -> cancel == null ? NOT_HELD : new Ack(true, cancel, null)));
    }

    public Future<Ack> phase(BuildMessage.PhaseChange change) {
        if (change.phase() == null || !change.phase().reportedByWorker()) {
            return Future.succeededFuture(new Ack(false, false, "a worker cannot report phase " + change.phase()));
        }
        return parse(change.buildUuid(), change.leaseToken()).compose(ids -> ids == null ? Future.succeededFuture(NOT_HELD)
                : pool.withTransaction(tx -> builds.lockHeld(tx, ids[0], ids[1]).compose(held -> {
                    if (held == null) return Future.succeededFuture(NOT_HELD);
                    if (held.cancelRequested()) return Future.succeededFuture(new Ack(true, true, null));
                    return builds.progress(tx, held.id(), change.phase(), held.logSeq(), leaseSeconds())
                            .compose(v -> builds.appendLog(tx, held.id(),
                                    List.of(BuildLog.phase(change.phase().wire(), change.data()))))
                            .map(Ack.OK);
                })).onSuccess(ack -> {
                    if (ack.accepted() && !ack.cancel() && change.phase() == BuildPhase.BUILDING) {
                        builds.find(pool, ids[0]).onSuccess(events::started);
                    }
                }));
    }

    /** Stores the lines the registry does not have yet, in sequence order; resent lines are ignored. */
    public Future<Ack> logs(BuildMessage.LogLines lines) {
        return parse(lines.buildUuid(), lines.leaseToken()).compose(ids -> ids == null ? Future.succeededFuture(NOT_HELD)
                : pool.withTransaction(tx -> builds.lockHeld(tx, ids[0], ids[1]).compose(held -> {
                    if (held == null) return Future.succeededFuture(NOT_HELD);
                    var fresh = lines.lines().stream().filter(l -> l.sequence() > held.logSeq())
                            .sorted(Comparator.comparingLong(BuildMessage.LogLine::sequence)).toList();
                    long last = fresh.isEmpty() ? held.logSeq() : fresh.get(fresh.size() - 1).sequence();
                    var entries = new ArrayList<JsonObject>(fresh.size());
                    fresh.forEach(l -> entries.add(BuildLog.output(l.message(), l.type())));
                    return builds.appendLog(tx, held.id(), entries)
                            .compose(v -> builds.progress(tx, held.id(), held.phase(), last, leaseSeconds()))
                            .map(new Ack(true, held.cancelRequested(), null));
                })));
    }

    public Future<Ack> result(BuildMessage.Result result) {
        return parse(result.buildUuid(), result.leaseToken()).compose(ids -> ids == null ? Future.succeededFuture(NOT_HELD)
                : pool.withTransaction(tx -> builds.lockHeld(tx, ids[0], ids[1]).compose(held -> held == null
                        ? Future.succeededFuture((Long) null)
                        : end(tx, held, result.outcome(), result.message(), result.imageId(),
                                result.pushedDigests() == null ? null : new JsonObject(new java.util.LinkedHashMap<>(result.pushedDigests())))
                                .map(held.id())))
                        .compose(id -> id == null ? Future.succeededFuture(NOT_HELD) : announce(id).map(Ack.OK)));
    }

    /** Ends the attempts whose lease lapsed; returns how many. */
    public Future<Integer> sweep() {
        return pool.withTransaction(tx -> builds.lapsed(tx, 100).compose(ids -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (long id : ids) {
                        chain = chain.compose(v -> builds.lock(tx, id)
                                .compose(held -> end(tx, held, BuildMessage.Outcome.INTERNAL_ERROR, WORKER_LOST, null, null)));
                    }
                    return chain.map(ids);
                }))
                .compose(ids -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (long id : ids) chain = chain.compose(v -> announce(id));
                    return chain.map(ids.size());
                });
    }

    /** Moves a held build on by the attempt's outcome, logging the phase it lands in. */
    private Future<Void> end(SqlClient tx, BuildRepository.Held held, BuildMessage.Outcome outcome, String message,
                             String imageId, JsonObject pushed) {
        var entries = new ArrayList<JsonObject>();
        Future<Void> done;
        BuildMessage.Outcome effective = held.cancelRequested() ? BuildMessage.Outcome.CANCELLED : outcome;
        switch (effective) {
            case COMPLETE -> done = builds.finish(tx, held.id(), BuildPhase.COMPLETE, null, imageId, pushed);
            case CANCELLED -> done = builds.finish(tx, held.id(), BuildPhase.CANCELLED, null, null, null);
            case ERROR -> {
                entries.add(BuildLog.error(message));
                done = builds.finish(tx, held.id(), BuildPhase.ERROR, message, null, null);
            }
            default -> {
                if (held.retriesRemaining() > 0) {
                    entries.add(BuildLog.error(message + "; the build will be retried"));
                    done = builds.requeue(tx, held.id(), message);
                } else {
                    String last = "Build did not complete after 3 attempts: " + message;
                    entries.add(BuildLog.error(last));
                    done = builds.finish(tx, held.id(), BuildPhase.INTERNAL_ERROR, last, null, null);
                }
            }
        }
        return done.compose(v -> {
            String phase = switch (effective) {
                case COMPLETE -> "complete";
                case CANCELLED -> "cancelled";
                case ERROR -> "error";
                case INTERNAL_ERROR -> "internalerror";
            };
            entries.add(BuildLog.phase(phase, null));
            return builds.appendLog(tx, held.id(), entries);
        });
    }

    /** After a commit: events for a finished build, or a wake-up for the build waiting again. */
    private Future<Void> announce(long id) {
        return builds.findById(pool, id).map(b -> {
            if (b.finished()) events.finished(b);
            else bus.wake();
            return null;
        });
    }

    /** The build uuid and lease token a worker sent, or null when they are not UUIDs. */
    private static Future<UUID[]> parse(String buildUuid, String leaseToken) {
        try {
            return Future.succeededFuture(new UUID[]{UUID.fromString(buildUuid), UUID.fromString(leaseToken)});
        } catch (IllegalArgumentException | NullPointerException e) {
            return Future.succeededFuture(null);
        }
    }
}
