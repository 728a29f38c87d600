package io.berth.registry.logs;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.iam.Role;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.iam.UserService;
import io.berth.registry.mail.Mailer;
import io.berth.registry.repo.RepositoryService;
import io.berth.registry.storage.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.sqlclient.Pool;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reading and exporting usage logs: who may read which logs (asked of the {@link Authorizer}), pages, counts per kind
 * per day, and export requests, which are queued as rows for the {@link LogExporter}.
 */
public final class LogService {
    public static final int PAGE_SIZE = 100;

    private final Vertx vertx;
    private final Pool pool;
    private final LogRepository logs;
    private final ExportRepository exports;
    private final Authorizer authorizer;
    private final RepositoryService repositories;
    private final UserService users;
    private final CallbackUrls callbacks;
    private final BlobStorage storage;
    private final Mailer mailer;

    public LogService(Vertx vertx, Pool pool, LogRepository logs, ExportRepository exports, Authorizer authorizer,
                      RepositoryService repositories, UserService users, CallbackUrls callbacks, BlobStorage storage,
                      Mailer mailer) {
        this.vertx = vertx;
        this.pool = pool;
        this.logs = logs;
        this.exports = exports;
        this.authorizer = authorizer;
        this.repositories = repositories;
        this.users = users;
        this.callbacks = callbacks;
        this.storage = storage;
        this.mailer = mailer;
    }

    /**
     * Whose logs a caller may read: one namespace, one repository of it, or every namespace (superusers).
     *
     * @param userView Quay's user view, which hides {@code service_key_*} entries
     */
    public record Scope(Long namespaceId, String namespaceName, Long repositoryId, String repositoryName,
                        boolean userView) {
        public boolean allNamespaces() { return namespaceId == null; }
    }

    /** Which entries of a scope: {@code [start, end)}, optionally one performer and some kinds. */
    public record Query(OffsetDateTime start, OffsetDateTime end, String performer, Set<String> kinds) {}

    /** A page of entries, and the id to continue below when more remain. */
    public record Page(List<LogRepository.StoredEntry> entries, Long nextBeforeId) {}

    /** A repository's logs: for callers with the admin role on it. */
    public Future<Scope> repository(Identity who, RepositoryName name) {
        requireSignedIn(who);
        return repositories.access(who, name).compose(access -> {
            var repo = access.repository();
            if (repo != null && access.role().atLeast(Role.ADMIN)) {
                return Future.succeededFuture(new Scope(repo.namespaceId(), repo.namespace(), repo.id(), repo.name(),
                        false));
            }
            if (repo != null) return Future.failedFuture(unauthorized());
            return authorizer.administersNamespace(pool, who, name.namespace()).compose(admin -> Future.failedFuture(
                    admin ? new BerthException(ErrorCode.NOT_FOUND, "Repository not found") : unauthorized()));
        });
    }

    /** An organization's logs: for its administrators. */
    public Future<Scope> organization(Identity who, String org) {
        requireSignedIn(who);
        return authorizer.administersNamespace(pool, who, org).compose(admin -> {
            if (!admin) return Future.failedFuture(unauthorized());
            return users.find(org).compose(account -> account == null || !account.isOrganization()
                    ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "Organization not found"))
                    : Future.succeededFuture(new Scope(account.id(), account.username(), null, null, false)));
        });
    }

    /** The caller's own namespace's logs. */
    public Future<Scope> user(Identity who) {
        requireSignedIn(who);
        return authorizer.administersNamespace(pool, who, who.username()).compose(admin -> !admin
                ? Future.failedFuture(unauthorized())
                : users.find(who.username()).compose(account -> account == null
                        ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "User not found"))
                        : Future.succeededFuture(new Scope(account.id(), account.username(), null, null, true))));
    }

    /** Every namespace's logs: superusers only. */
    public Future<Scope> superuser(Identity who) {
        requireSignedIn(who);
        if (!authorizer.isSuperUser(who)) return Future.failedFuture(unauthorized());
        return Future.succeededFuture(new Scope(null, null, null, null, false));
    }

    /** Up to {@link #PAGE_SIZE} entries below {@code beforeId} (null: the newest), newest first. */
    public Future<Page> page(Scope scope, Query query, Long beforeId) {
        return logs.page(pool, filter(scope, query), beforeId, PAGE_SIZE + 1).map(rows -> rows.size() <= PAGE_SIZE
                ? new Page(rows, null)
                : new Page(rows.subList(0, PAGE_SIZE), rows.get(PAGE_SIZE - 1).id()));
    }

    public Future<List<LogRepository.DayCount>> aggregate(Scope scope, Query query) {
        return logs.countPerKindPerDay(pool, filter(scope, query));
    }

    /**
     * Queues an export of a namespace's or repository's entries in {@code [start, end)}: checks the callback URL
     * against SSRF and the e-mail address, stores the request, then wakes an exporter.
     */
    public Future<UUID> export(Scope scope, Identity who, String ip, Query query, String callbackUrl,
                               String callbackEmail) {
        if (scope.allNamespaces()) throw new IllegalArgumentException("exports are of one namespace");
        if (callbackUrl == null && callbackEmail == null) {
            throw new BerthException(ErrorCode.INVALID_REQUEST, "Must specify either a callback URL or an e-mail address");
        }
        if (callbackEmail != null) {
            if (!callbackEmail.contains("@")) throw new BerthException(ErrorCode.INVALID_REQUEST, "Invalid callback e-mail");
            if (!mailer.enabled()) {
                throw new BerthException(ErrorCode.INVALID_REQUEST,
                        "E-mail is not configured on this registry (FEATURE_MAILING, MAIL_SERVER)");
            }
        }
        Future<?> checked = callbackUrl == null ? Future.succeededFuture() : callbacks.check(callbackUrl);
        UUID id = UUID.randomUUID();
        var export = new ExportRepository.Export(id, scope.namespaceId(), scope.namespaceName(), scope.repositoryId(),
                scope.repositoryName(), who.accountId(), who.username(), who.performerKind(), ip, query.start(),
                query.end(), callbackUrl, callbackEmail, "queued", null, 0, null, null);
        return checked.compose(v -> exports.insert(pool, export))
                .onSuccess(v -> vertx.eventBus().publish(LogExporter.WAKE, null))
                .map(id);
    }

    /** The exported file behind a download id while its lifetime lasts; NOT_FOUND otherwise. */
    public Future<ReadStream<Buffer>> download(String fileId) {
        if (!fileId.matches("[0-9a-f]{64}")) return Future.failedFuture(exportNotFound());
        return exports.findDownloadable(pool, fileId).compose(export -> export == null
                ? Future.failedFuture(exportNotFound())
                : storage.readObject(LogExporter.objectKey(fileId)));
    }

    private static LogRepository.Filter filter(Scope scope, Query query) {
        return new LogRepository.Filter(scope.repositoryId() == null ? scope.namespaceId() : null,
                scope.repositoryId(), query.performer(), query.kinds(), query.start(), query.end(), scope.userView());
    }

    private static void requireSignedIn(Identity who) {
        if (who == null || who.anonymous()) throw new BerthException(ErrorCode.UNAUTHORIZED, "Requires authentication");
    }

    private static BerthException unauthorized() {
        return new BerthException(ErrorCode.DENIED, "Unauthorized");
    }

    private static BerthException exportNotFound() {
        return new BerthException(ErrorCode.NOT_FOUND, "Exported logs not found or expired");
    }
}
