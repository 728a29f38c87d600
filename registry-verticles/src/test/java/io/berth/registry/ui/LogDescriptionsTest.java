package io.berth.registry.ui;

import io.berth.registry.logs.LogKinds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Usage Logs' sentences: every kind has one, and the template rules fill them as documented. */
class LogDescriptionsTest {
    private static final JsonObject REPO = new JsonObject().put("namespace", "acme").put("repo", "app");

    @Test
    void everyKindThatCanBeWrittenHasASentence() {
        var missing = new TreeSet<String>();
        LogKinds.QUAY.stream().filter(k -> !LogDescriptions.covers(k)).forEach(missing::add);
        LogKinds.BERTH.stream().filter(k -> !LogDescriptions.covers(k)).forEach(missing::add);
        assertTrue(missing.isEmpty(), "kinds without a sentence: " + missing);
    }

    @Test
    void placeholdersAreFilledFromTheMetadata() {
        assertEquals("Create tag latest in repository acme/app",
                LogDescriptions.describe("create_tag", REPO.copy().put("tag", "latest")));
        assertEquals("Create repository acme/app", LogDescriptions.describe("create_repo", REPO));
        assertEquals("Change the visibility for repository acme/app to public",
                LogDescriptions.describe("change_repo_visibility", REPO.copy().put("visibility", "public")));
    }

    @Test
    void optionalPartsGoWhenTheirValuesAreMissing() {
        assertEquals("Create tag latest", LogDescriptions.describe("create_tag", new JsonObject().put("tag", "latest")));
        assertEquals("Change the description for repository acme/app",
                LogDescriptions.describe("set_repo_description", REPO.copy().put("description", "")));
    }

    @Test
    void theFirstAlternativeThatCanBeFilledWins() {
        assertEquals("Pull v1 from repository acme/app", LogDescriptions.describe("pull_repo", REPO.copy().put("tag", "v1")));
        assertEquals("Pull sha256:abc from repository acme/app",
                LogDescriptions.describe("pull_repo", REPO.copy().put("manifest_digest", "sha256:abc")));
        assertEquals("Remove the permission of team devs from repository acme/app",
                LogDescriptions.describe("delete_repo_permission", REPO.copy().put("team", "devs")));
        assertEquals("Log in to the registry with docker/27",
                LogDescriptions.describe("login_success", new JsonObject().put("type", "v2auth").put("useragent", "docker/27")));
        assertEquals("Sign in", LogDescriptions.describe("login_success", new JsonObject().put("type", "quayauth")));
        assertEquals("Superuser root took ownership of organization acme", LogDescriptions.describe("take_ownership",
                new JsonObject().put("superuser", "root").put("namespace", "acme").put("was_user", false)));
        assertEquals("Superuser root took ownership of user namespace bob", LogDescriptions.describe("take_ownership",
                new JsonObject().put("superuser", "root").put("namespace", "bob").put("was_user", true)));
    }

    @Test
    void valuesAreShownReadably() {
        assertEquals("Build from Dockerfile for repository acme/app with tags latest, v1", LogDescriptions.describe(
                "build_dockerfile", REPO.copy().put("docker_tags", new JsonArray().add("latest").add("v1"))));
        assertEquals("Change the time machine window to 2 weeks", LogDescriptions.describe("org_change_tag_expiration",
                new JsonObject().put("tag_expiration", 14 * 86_400)));
        String sentence = LogDescriptions.describe("set_repo_description", REPO.copy().put("description", "x".repeat(500)));
        assertTrue(sentence.endsWith("…") && sentence.length() < 150, sentence);
    }

    @Test
    void withoutItsValuesASentenceFallsBackToTheKind() {
        assertEquals("create robot", LogDescriptions.describe("create_robot", new JsonObject()));
        assertEquals("no such kind", LogDescriptions.describe("no_such_kind", null));
    }
}
