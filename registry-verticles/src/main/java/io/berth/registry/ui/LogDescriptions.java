package io.berth.registry.ui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Map.entry;

/**
 * The Usage Logs' sentences, Quay-style ("Create tag latest in repository acme/app"): one template per log kind, filled
 * from the entry's metadata.
 * <p>
 * A template is one or more alternatives separated by {@code |}; the first whose placeholders can all be filled is
 * used. {@code {key}} is a metadata value; {@code {?key}} only requires the value to be true; {@code {key=value}}
 * requires that value; {@code [[…]]} is left out when a placeholder inside it cannot be filled.
 */
final class LogDescriptions {
    /** Longer values (descriptions, user agents) are cut in the sentence; the details show them whole. */
    private static final int MAX_VALUE = 80;
    private static final Pattern OPTIONAL = Pattern.compile("\\[\\[(.*?)]]");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([?]?)([a-z_]+)(?:=([^}]*))?}");

    private static final String REPO = "[[ in repository {namespace}/{repo}]]";
    private static final String FROM_REPO = "[[ from repository {namespace}/{repo}]]";
    private static final String TO_REPO = "[[ to repository {namespace}/{repo}]]";
    private static final String FOR_REPO = "[[ for repository {namespace}/{repo}]]";
    private static final String APP = "application {application_name}[[ with client ID {client_id}]]";

    private static final Map<String, String> SENTENCES = Map.ofEntries(
            // users and organizations
            entry("user_create", "Superuser {superuser} created user {username}|Create user {username}|Create user"),
            entry("user_delete", "Superuser {superuser} deleted user {username}|Delete user {username}|Delete user"),
            entry("user_disable", "Disable user {username}|Disable user"),
            entry("user_enable", "Enable user {username}|Enable user"),
            entry("user_change_email", "Change e-mail[[ from {old_email}]] to {email}|Change e-mail"),
            entry("user_change_password", "Change the password of {username}|Change password"),
            entry("user_change_name", "Rename user {old_username} to {username}|Rename user"),
            entry("user_change_invoicing", "Change invoicing settings"),
            entry("user_change_tag_expiration", "Change the time machine window to {tag_expiration}"),
            entry("user_change_metadata", "Change profile"),
            entry("user_generate_client_key", "Generate a Docker CLI password"),
            entry("account_change_plan", "Change plan"),
            entry("account_change_cc", "Update credit card"),
            entry("account_change_password", "Change password"),
            entry("account_convert", "Convert the account to an organization[[ administered by {admin_user}]]"),
            entry("org_create", "Create organization {namespace}|Create organization"),
            entry("org_delete", "Delete organization {namespace}|Delete organization"),
            entry("org_change_email", "Change the organization e-mail[[ from {old_email}]] to {email}|Change the organization e-mail"),
            entry("org_change_invoicing", "Change invoicing settings"),
            entry("org_change_tag_expiration", "Change the time machine window to {tag_expiration}"),
            entry("org_change_name", "Rename organization {old_name} to {new_name}|Rename organization"),
            entry("take_ownership", "{?was_user}Superuser {superuser} took ownership of user namespace {namespace}"
                    + "|Superuser {superuser} took ownership of organization {namespace}|Take ownership of a namespace"),
            // teams
            entry("org_create_team", "Create team {team}"),
            entry("org_delete_team", "Delete team {team}"),
            entry("org_add_team_member", "Add {member} to team {team}"),
            entry("org_remove_team_member", "Remove {member} from team {team}"),
            entry("org_invite_team_member", "Invite {user} to team {team}|Invite {email} to team {team}"),
            entry("org_delete_team_member_invite", "Withdraw the invitation of {user} to team {team}"
                    + "|Withdraw the invitation of {email} to team {team}"),
            entry("org_team_member_invite_accepted", "{member} accepted the invitation to team {team}"),
            entry("org_team_member_invite_declined", "{member} declined the invitation to team {team}"),
            entry("org_set_team_description", "Change the description of team {team}[[ to {description}]]"),
            entry("org_set_team_role", "Change the role of team {team} to {role}"),
            entry("enable_team_sync", "Enable directory sync of team {team}|Enable directory sync of a team"),
            entry("disable_team_sync", "Disable directory sync of team {team}|Disable directory sync of a team"),
            // robots
            entry("create_robot", "Create robot account {robot}"),
            entry("delete_robot", "Delete robot account {robot}"),
            entry("regenerate_robot_token", "Regenerate the token of robot account {robot}"),
            entry("create_robot_federation", "Configure federation of robot account {robot}|Configure robot federation"),
            entry("delete_robot_federation", "Remove federation of robot account {robot}|Remove robot federation"),
            entry("federated_robot_token_exchange", "Exchange a federated token for robot account {robot}"
                    + "|Exchange a federated token"),
            // repositories
            entry("create_repo", "Create repository {namespace}/{repo}|Create repository {repo}"),
            entry("delete_repo", "Delete repository {namespace}/{repo}|Delete repository {repo}"),
            entry("set_repo_description", "Change the description" + FOR_REPO + "[[ to {description}]]"),
            entry("change_repo_visibility", "Change the visibility" + FOR_REPO + " to {visibility}"),
            entry("change_repo_trust", "Change the trust settings" + FOR_REPO),
            entry("change_repo_state", "Change the repository state[[ to {state_changed}]]"),
            entry("add_repo_permission", "Grant {role} to user {username}" + REPO + "|Grant {role} to team {team}" + REPO
                    + "|Grant {role} to token {token}" + REPO),
            entry("change_repo_permission", "Change the permission of user {username}" + REPO + " to {role}"
                    + "|Change the permission of team {team}" + REPO + " to {role}"
                    + "|Change the permission of token {token}" + REPO + " to {role}"),
            entry("delete_repo_permission", "Remove the permission of user {username}" + FROM_REPO
                    + "|Remove the permission of team {team}" + FROM_REPO
                    + "|Remove the permission of token {token}" + FROM_REPO),
            entry("add_repo_accesstoken", "Create access token {token}" + REPO + "|Create an access token" + REPO),
            entry("delete_repo_accesstoken", "Delete access token {token}" + REPO + "|Delete an access token" + REPO),
            // pushes and pulls
            entry("push_repo", "Push {tag}" + TO_REPO + "|Push {manifest_digest}" + TO_REPO + "|Push" + TO_REPO),
            entry("push_repo_failed", "Failed push of {tag}" + TO_REPO + "[[: {message}]]"
                    + "|Failed push of {manifest_digest}" + TO_REPO + "[[: {message}]]"
                    + "|Failed push" + TO_REPO + "[[: {message}]]"),
            entry("pull_repo", "Pull {tag}" + FROM_REPO + "|Pull {manifest_digest}" + FROM_REPO + "|Pull" + FROM_REPO),
            entry("pull_repo_failed", "Failed pull of {tag}" + FROM_REPO + "[[: {message}]]"
                    + "|Failed pull of {manifest_digest}" + FROM_REPO + "[[: {message}]]"
                    + "|Failed pull" + FROM_REPO + "[[: {message}]]"),
            entry("repo_verb", "Pull {tag}" + FROM_REPO + "[[ as {verb}]]|Pull" + FROM_REPO),
            // tags and labels
            entry("create_tag", "Create tag {tag}" + REPO),
            entry("move_tag", "Move tag {tag}[[ from {original_manifest_digest}]] to {manifest_digest}" + REPO
                    + "|Move tag {tag}" + REPO),
            entry("delete_tag", "Delete tag {tag}" + REPO),
            entry("delete_tag_failed", "Failed deletion of {tag}" + REPO + "[[: {message}]]"
                    + "|Failed deletion of {manifest_digest}" + REPO + "[[: {message}]]|Failed deletion" + REPO),
            entry("revert_tag", "Restore tag {tag} to {manifest_digest}" + REPO + "|Restore tag {tag}" + REPO),
            entry("permanently_delete_tag", "Permanently delete tag {tag}[[ ({manifest_digest})]]" + FROM_REPO),
            entry("autoprune_tag_delete", "Auto-prune deleted tag {tag}" + REPO),
            entry("change_tag_expiration", "Set tag {tag} to expire on {expiration_date}[[ (was {old_expiration_date})]]"
                    + "|Set tag {tag} to no longer expire[[ (was {old_expiration_date})]]"),
            entry("change_tag_immutability", "{?immutable}Make tag {tag} immutable" + REPO
                    + "|Make tag {tag} mutable" + REPO + "|Change the immutability of a tag" + REPO),
            entry("tag_made_immutable_by_policy", "A policy made tag {tag} immutable" + REPO
                    + "|A policy made a tag immutable" + REPO),
            entry("tags_made_immutable_by_policy", "A policy made tags immutable" + REPO + "[[: {tags}]]"),
            entry("manifest_label_add", "Add label {key} to {manifest_digest}" + REPO + "|Add label {key}" + REPO),
            entry("manifest_label_delete", "Delete label {key} from {manifest_digest}" + REPO + "|Delete label {key}" + REPO),
            // garbage collection (Berth's own kinds)
            entry("gc_delete_manifests", "Garbage collection deleted {count} unreferenced manifests" + REPO),
            entry("gc_delete_blobs", "Garbage collection deleted {count} unreferenced blobs"),
            // builds and triggers
            entry("build_dockerfile", "Build from Dockerfile" + FOR_REPO + "[[ with tags {docker_tags}]]"),
            entry("cancel_build", "Cancel build {build_id}|Cancel build {build_uuid}|Cancel a build"),
            entry("setup_repo_trigger", "Set up a {service} build trigger" + FOR_REPO + "|Set up a build trigger" + FOR_REPO),
            entry("delete_repo_trigger", "Delete a {service} build trigger" + FOR_REPO + "|Delete a build trigger" + FOR_REPO),
            entry("toggle_repo_trigger", "{?enabled}Enable a build trigger" + FOR_REPO + "|Disable a build trigger" + FOR_REPO),
            entry("start_build_trigger", "Start a build from a {service} trigger" + FOR_REPO
                    + "|Start a build from a trigger" + FOR_REPO),
            // default permissions
            entry("create_prototype_permission", "Create default permission {role} for {delegate_user}"
                    + "[[ when {activating_user} creates a repository]]|Create default permission {role} for team {delegate_team}"
                    + "[[ when {activating_user} creates a repository]]"),
            entry("modify_prototype_permission", "Change default permission for {delegate_user} to {role}[[ (was {original_role})]]"
                    + "|Change default permission for team {delegate_team} to {role}[[ (was {original_role})]]"),
            entry("delete_prototype_permission", "Delete default permission {role} for {delegate_user}"
                    + "|Delete default permission {role} for team {delegate_team}"),
            // applications and tokens
            entry("create_application", "Create " + APP),
            entry("update_application", "Update " + APP),
            entry("delete_application", "Delete " + APP),
            entry("reset_application_client_secret", "Reset the client secret of " + APP),
            entry("create_oauth_api_token", "Create an OAuth token for application {application_name}[[ with scope {scope}]]"
                    + "|Create an OAuth token"),
            entry("revoke_oauth_api_token", "Revoke an OAuth token of application {application_name}|Revoke an OAuth token"),
            entry("oauth_token_assigned", "Assign an OAuth token of application {application_name}[[ to {assigned_user}]]"
                    + "|Assign an OAuth token"),
            entry("oauth_token_revoked", "Revoke an OAuth token of application {application_name}|Revoke an OAuth token"),
            entry("create_app_specific_token", "Create application token {app_specific_token_title}|Create an application token"),
            entry("revoke_app_specific_token", "Revoke application token {app_specific_token_title}|Revoke an application token"),
            // notifications and webhooks
            entry("add_repo_notification", "Add a {event} notification" + FOR_REPO + "|Add a notification" + FOR_REPO),
            entry("delete_repo_notification", "Delete a {event} notification" + FOR_REPO + "|Delete a notification" + FOR_REPO),
            entry("reset_repo_notification", "Re-enable a {event} notification" + FOR_REPO + "|Re-enable a notification" + FOR_REPO),
            entry("create_namespace_notification", "Add a {event} notification|Add a namespace notification"),
            entry("delete_namespace_notification", "Delete a {event} notification|Delete a namespace notification"),
            entry("reset_namespace_notification", "Re-enable a {event} notification|Re-enable a namespace notification"),
            entry("add_repo_webhook", "Add a webhook" + REPO),
            entry("delete_repo_webhook", "Delete a webhook" + REPO),
            // sign-ins
            entry("login_success", "{type=v2auth}Log in to the registry[[ with {useragent}]]|Sign in[[ with {useragent}]]"),
            entry("login_failure", "Failed sign-in as {username}[[: {message}]]|Failed sign-in[[: {message}]]"),
            entry("logout_success", "Sign out"),
            // usage-log exports
            entry("export_logs_success", "Export usage logs[[ to {callback_email}]][[ to {callback_url}]]"),
            entry("export_logs_failure", "Failed export of usage logs[[: {error}]]"),
            // mirrors
            entry("repo_mirror_enabled", "Enable the repository mirror" + FOR_REPO),
            entry("repo_mirror_disabled", "Disable the repository mirror" + FOR_REPO),
            entry("repo_mirror_config_changed", "Change the mirror setting {changed}[[ to {to}]]|Change the repository mirror"),
            entry("repo_mirror_sync_started", "Mirror sync started" + FOR_REPO + "[[: {message}]]"),
            entry("repo_mirror_sync_failed", "Mirror sync failed" + FOR_REPO + "[[: {message}]]"),
            entry("repo_mirror_sync_success", "Mirror sync finished" + FOR_REPO + "[[: {message}]]"),
            entry("repo_mirror_sync_now_requested", "Request an immediate mirror sync" + FOR_REPO),
            entry("repo_mirror_sync_tag_success", "Mirror of tag {tag} succeeded" + REPO + "|Mirror of a tag succeeded" + REPO),
            entry("repo_mirror_sync_tag_failed", "Mirror of tag {tag} failed" + REPO + "|Mirror of a tag failed" + REPO),
            entry("repo_mirror_sync_test_started", "Mirror test started" + FOR_REPO),
            entry("repo_mirror_sync_test_success", "Mirror test succeeded" + FOR_REPO),
            entry("repo_mirror_sync_test_failed", "Mirror test failed" + FOR_REPO + "[[: {message}]]"),
            entry("org_mirror_enabled", "Enable the organization mirror"),
            entry("org_mirror_disabled", "Disable the organization mirror"),
            entry("org_mirror_config_changed", "Change the organization mirror"),
            entry("org_mirror_sync_started", "Organization mirror sync started"),
            entry("org_mirror_sync_failed", "Organization mirror sync failed[[: {message}]]"),
            entry("org_mirror_sync_success", "Organization mirror sync finished"),
            entry("org_mirror_sync_now_requested", "Request an immediate organization mirror sync"),
            entry("org_mirror_sync_cancelled", "Cancel the organization mirror sync"),
            entry("org_mirror_repo_created", "Organization mirror created repository {namespace}/{repo}"
                    + "|Organization mirror created a repository"),
            // proxy cache, quotas, policies
            entry("create_proxy_cache_config", "Create a proxy cache[[ for {namespace}]][[ of {upstream_registry}]]"),
            entry("delete_proxy_cache_config", "Delete the proxy cache[[ of {namespace}]]"),
            entry("org_create_quota", "Create a quota[[ of {limit}]]"),
            entry("org_change_quota", "Change the quota[[ to {limit}]]"),
            entry("org_delete_quota", "Delete the quota"),
            entry("org_create_quota_limit", "Create a quota limit[[ ({type} at {threshold_percent}%)]]"),
            entry("org_change_quota_limit", "Change a quota limit[[ ({type} at {threshold_percent}%)]]"),
            entry("org_delete_quota_limit", "Delete a quota limit"),
            entry("create_immutability_policy", "Create an immutability policy" + FOR_REPO),
            entry("update_immutability_policy", "Update an immutability policy" + FOR_REPO),
            entry("delete_immutability_policy", "Delete an immutability policy" + FOR_REPO),
            entry("create_namespace_autoprune_policy", "Create an auto-prune policy[[ for namespace {namespace}]]"),
            entry("update_namespace_autoprune_policy", "Update an auto-prune policy[[ for namespace {namespace}]]"),
            entry("delete_namespace_autoprune_policy", "Delete an auto-prune policy[[ for namespace {namespace}]]"),
            entry("create_repository_autoprune_policy", "Create an auto-prune policy" + FOR_REPO),
            entry("update_repository_autoprune_policy", "Update an auto-prune policy" + FOR_REPO),
            entry("delete_repository_autoprune_policy", "Delete an auto-prune policy" + FOR_REPO),
            // service keys
            entry("service_key_create", "Create service key {kid}[[ for service {service}]]"),
            entry("service_key_approve", "Approve service key {kid}"),
            entry("service_key_delete", "Delete service key {kid}"),
            entry("service_key_modify", "Change service key {kid}"),
            entry("service_key_extend", "Change the expiration of service key {kid}[[ to {expiration_date}]]"),
            entry("service_key_rotate", "Rotate service key {kid}"));

    private LogDescriptions() {}

    static boolean covers(String kind) {
        return SENTENCES.containsKey(kind);
    }

    /** The sentence of an entry; a kind without a template (there is none today) reads as its name. */
    static String describe(String kind, JsonObject metadata) {
        String template = SENTENCES.get(kind);
        if (template != null) {
            for (String alternative : template.split("\\|")) {
                String sentence = fill(alternative, metadata);
                if (sentence != null) return sentence;
            }
        }
        return kind.replace('_', ' ');
    }

    /** The template filled in, or null when a required placeholder has no value. */
    private static String fill(String template, JsonObject metadata) {
        Matcher optional = OPTIONAL.matcher(template);
        var out = new StringBuilder();
        while (optional.find()) {
            String part = placeholders(optional.group(1), metadata);
            optional.appendReplacement(out, Matcher.quoteReplacement(part == null ? "" : part));
        }
        optional.appendTail(out);
        return placeholders(out.toString(), metadata);
    }

    private static String placeholders(String text, JsonObject metadata) {
        Matcher m = PLACEHOLDER.matcher(text);
        var out = new StringBuilder();
        while (m.find()) {
            Object value = metadata == null ? null : metadata.getValue(m.group(2));
            String shown;
            if (!m.group(1).isEmpty()) {
                if (!Boolean.TRUE.equals(value)) return null;
                shown = "";
            } else if (m.group(3) != null) {
                if (value == null || !m.group(3).equals(String.valueOf(value))) return null;
                shown = "";
            } else {
                shown = value(m.group(2), value);
                if (shown == null) return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(shown));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A metadata value as the sentence shows it; null for none. */
    private static String value(String key, Object value) {
        String text;
        if (value == null) return null;
        if (value instanceof JsonArray list) {
            text = String.join(", ", list.stream().map(String::valueOf).toList());
        } else if (key.equals("tag_expiration") && value instanceof Number seconds) {
            text = Pages.window(seconds.longValue());
        } else {
            text = String.valueOf(value);
        }
        if (text.isBlank()) return null;
        return text.length() > MAX_VALUE ? text.substring(0, MAX_VALUE - 1) + "…" : text;
    }

}
