package io.berth.registry.iam;

import io.berth.registry.auth.SecretCodes;
import io.berth.model.ref.RepositoryName;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Identity;
import io.berth.registry.auth.SecretBox;
import io.berth.registry.logs.UsageLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.List;

/**
 * Robot accounts of users and organizations (quay-api.md §3.4): {@code namespace+name} accounts with a 64-character
 * token (A–Z, 0–9) sealed with the database key, so that the namespace's admins can read it again. Regenerating
 * replaces the token and bumps its generation, which ends every registry token obtained with the old one.
 */
public final class RobotService {
    public static final int MAX_DESCRIPTION = 255;
    private static final String TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final Pool pool;
    private final AccountRepository accounts;
    private final RobotRepository robots;
    private final OrganizationRepository organizations;
    private final PermissionRepository permissions;
    private final OrganizationService organizationService;
    private final Authorizer authorizer;
    private final SecretBox box;
    private final String registry;
    private final UsageLogger usage;

    public RobotService(Pool pool, AccountRepository accounts, RobotRepository robots,
                        OrganizationRepository organizations, PermissionRepository permissions,
                        OrganizationService organizationService, Authorizer authorizer, SecretBox box,
                        String registry, UsageLogger usage) {
        this.pool = pool;
        this.accounts = accounts;
        this.robots = robots;
        this.organizations = organizations;
        this.permissions = permissions;
        this.organizationService = organizationService;
        this.authorizer = authorizer;
        this.box = box;
        this.registry = registry;
        this.usage = usage;
    }

    /**
     * A robot as shown: {@code token} null when withheld; {@code teams} and {@code repositories} null unless
     * permissions were asked for.
     */
    public record View(RobotRepository.Robot robot, String token, List<String> teams,
                       List<PermissionRepository.RepositoryGrant> repositories) {}

    /** Whose robots: {@code organization} null for the caller's own user namespace. */
    public record Owner(Identity caller, String organization) {}

    public Future<View> create(Owner owner, String shortName, String description, JsonObject metadata, String ip) {
        if (!RepositoryName.validNamespace(shortName)) {
            return Fail.invalid("Invalid robot account name " + shortName + ": must be 2-255 characters of a-z, 0-9 "
                    + "and . _ - between them");
        }
        if (description != null && description.length() > MAX_DESCRIPTION) {
            return Fail.invalid("The robot description must be at most " + MAX_DESCRIPTION + " characters");
        }
        return managed(owner).compose(ns -> {
            String name = ns.username() + "+" + shortName;
            if (name.length() > 255) return Fail.invalid("Robot account name is too long: " + name);
            String token = newToken();
            return robots.insert(pool, ns.id(), name, box.seal(token), description == null ? "" : description,
                            metadata == null ? new JsonObject() : metadata)
                    .compose(id -> id == null ? Fail.<RobotRepository.Robot>invalid("Existing robot with name: " + name)
                            : robots.find(pool, name))
                    .map(robot -> {
                        usage.log("create_robot", ns.id(), owner.caller(), null, ip, new JsonObject().put("robot", name));
                        return new View(robot, token, null, null);
                    });
        });
    }

    /**
     * The namespace's robots. An organization's members may list them; tokens and permissions are shown to its
     * admins only.
     */
    public Future<List<View>> list(Owner owner, boolean withPermissions, boolean withToken, int limit) {
        Future<Boolean> admin = owner.organization() == null ? Future.succeededFuture(true)
                : authorizer.administersNamespace(pool, owner.caller(), owner.organization());
        Future<Account> namespace = owner.organization() == null ? managed(owner)
                : organizationService.find(owner.organization()).compose(org -> admin.compose(isAdmin -> isAdmin
                        ? Future.succeededFuture(true)
                        : authorizer.isOrganizationMember(pool, owner.caller(), org.id()))
                        .compose(allowed -> allowed ? Future.succeededFuture(org)
                                : Future.failedFuture(Authorizer.refusal(owner.caller()))));
        return namespace.compose(ns -> robots.list(pool, ns.id()).compose(list -> admin.compose(isAdmin -> {
            var views = list.stream().limit(limit).map(robot -> view(ns, robot, isAdmin && withToken,
                    isAdmin && withPermissions)).toList();
            return Future.all(views).map(all -> all.<View>list());
        })));
    }

    public Future<View> get(Owner owner, String shortName) {
        return robot(owner, shortName).map(found -> new View(found.robot(), box.open(found.robot().tokenSealed()), null, null));
    }

    public Future<Void> delete(Owner owner, String shortName, String ip) {
        return robot(owner, shortName).compose(found -> robots.delete(pool, found.robot().id())
                .onSuccess(v -> usage.log("delete_robot", found.namespace().id(), owner.caller(), null, ip,
                        new JsonObject().put("robot", found.robot().name()))));
    }

    /** A new token; the old one, and every registry token obtained with it, stop working at once. */
    public Future<View> regenerate(Owner owner, String shortName, String ip) {
        String token = newToken();
        return robot(owner, shortName).compose(found -> robots.replaceToken(pool, found.robot().id(), box.seal(token))
                .compose(v -> robots.find(pool, found.robot().name()))
                .map(robot -> {
                    usage.log("regenerate_robot_token", found.namespace().id(), owner.caller(), null, ip,
                            new JsonObject().put("robot", robot.name()));
                    return new View(robot, token, null, null);
                }));
    }

    /** The repositories the robot holds a direct role on. */
    public Future<List<PermissionRepository.RepositoryGrant>> permissions(Owner owner, String shortName) {
        return robot(owner, shortName).compose(found -> permissions.ofAccount(pool, found.robot().id()));
    }

    /** The robot's credentials in every format Quay offers (see {@link RobotCredentials}). */
    public Future<JsonObject> credentials(Owner owner, String shortName) {
        return robot(owner, shortName).map(found -> RobotCredentials.all(registry, found.robot().name(),
                box.open(found.robot().tokenSealed())));
    }

    /** A robot and the namespace it belongs to. */
    private record Found(Account namespace, RobotRepository.Robot robot) {}

    private Future<Found> robot(Owner owner, String shortName) {
        return managed(owner).compose(ns -> robots.find(pool, ns.username() + "+" + shortName).compose(robot ->
                robot == null || robot.ownerId() != ns.id()
                        ? Fail.notFound("Could not find robot with username: " + ns.username() + "+" + shortName)
                        : Future.succeededFuture(new Found(ns, robot))));
    }

    /** The namespace whose robots the caller administers: its own (user:admin), or an organization it administers. */
    private Future<Account> managed(Owner owner) {
        Identity who = owner.caller();
        if (owner.organization() != null) return organizationService.administered(who, owner.organization());
        return authorizer.requireOwnAccount(who).compose(v -> accounts.findById(pool, who.accountId()));
    }

    private Future<View> view(Account ns, RobotRepository.Robot robot, boolean withToken, boolean withPermissions) {
        String token = withToken ? box.open(robot.tokenSealed()) : null;
        if (!withPermissions) return Future.succeededFuture(new View(robot, token, null, null));
        Future<List<String>> teams = ns.isOrganization()
                ? organizations.teamsOf(pool, ns.id(), robot.id())
                        .map(list -> list.stream().map(OrganizationRepository.Team::name).toList())
                : Future.succeededFuture(List.of());
        return Future.all(teams, permissions.ofAccount(pool, robot.id()))
                .map(all -> new View(robot, token, all.resultAt(0), all.resultAt(1)));
    }

    private static String newToken() {
        return SecretCodes.random(64, TOKEN_ALPHABET);
    }
}
