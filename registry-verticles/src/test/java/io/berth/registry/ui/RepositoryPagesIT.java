package io.berth.registry.ui;

import io.berth.registry.testing.Fixtures;
import io.berth.registry.testing.Images;
import io.berth.registry.testing.Images.Image;
import io.berth.registry.testing.Images.Index;
import io.berth.registry.testing.ManifestClient;
import io.berth.registry.testing.RegistryHttp;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.berth.registry.ui.UiSteps.addTag;
import static io.berth.registry.ui.UiSteps.deleteTag;
import static io.berth.registry.ui.UiSteps.openGear;
import static io.berth.registry.ui.UiSteps.setExpiration;
import static io.berth.registry.ui.UiSteps.tagRow;
import static io.berth.registry.ui.UiSteps.tagShown;
import static io.berth.registry.ui.UiSteps.typeEntity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Create New Repository and the repository page's Information, Tags and Settings tabs, in headless Chromium. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepositoryPagesIT extends BrowserTestBase {
    @BeforeAll
    static void start() {
        open("alice", "mallory");
    }

    @Test
    @Order(1)
    void createNewRepositoryExplainsBadNamesInlineThenOpensTheRepository() {
        signIn("alice");
        browser.go("/new");
        browser.waitForText("h1", "Create New Repository");
        assertEquals("alice", new Select(browser.find("#namespace")).getFirstSelectedOption().getText());
        browser.find("#name").sendKeys("Bad Name");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("#form-error", "Invalid repository name");
        assertEquals("Bad Name", browser.find("#name").getAttribute("value"));
        browser.screenshot("repo-01-new-invalid");

        browser.find("#name").clear();
        browser.find("#name").sendKeys("app");
        browser.find("#description").sendKeys("Plans for the app");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("h1", "alice/app");
        assertEquals("/repository/alice/app", browser.path());
        assertEquals("private", browser.find(".badge").getText());
        assertEquals("podman pull " + server.hostPort() + "/alice/app", browser.find("#pull-podman").getText());
        assertEquals("docker pull " + server.hostPort() + "/alice/app", browser.find("#pull-docker").getText());
        assertEquals("Plans for the app", browser.find("#description").getAttribute("value"));
        browser.screenshot("repo-02-information");

        browser.go("/new");
        browser.find("#name").sendKeys("app");
        browser.clickAndLoad(browser.find("main button[type=submit]"));
        browser.waitForText("#form-error", "already exists");
    }

    @Test
    @Order(2)
    void writersEditTheDescription() {
        browser.go("/repository/alice/app");
        browser.find("#description").clear();
        browser.find("#description").sendKeys("Secret plans for the app");
        browser.clickAndLoad(browser.find("main form button[type=submit]"));
        browser.waitForText(".notice", "Saved");
        assertEquals("Secret plans for the app", browser.find("#description").getAttribute("value"));
    }

    @Test
    @Order(3)
    void tagsTabShowsPushedTagsWithSizeDigestAndPullCommands() {
        var http = new RegistryHttp(server);
        String token = http.token("alice", "alice-password", "repository:alice/app:pull,push");
        var image = Images.image(Map.of(), "layer one".getBytes(StandardCharsets.UTF_8));
        Images.push(http, "alice/app", token, "v1", image);

        browser.go("/repository/alice/app?tab=tags");
        String row = browser.waitForText("table.tags tbody", "v1").getText();
        assertTrue(row.contains("not scanned"), row);
        assertTrue(row.contains(image.digest().substring(0, 19)), row);
        assertTrue(row.contains(" B") || row.contains("KiB"), "size shown: " + row);
        assertTrue(row.contains("Never"), row);
        browser.find("table.tags summary").click();
        assertEquals("docker pull " + server.hostPort() + "/alice/app@" + image.digest(),
                browser.waitForText("#dd-0", "docker pull").getText());
        browser.screenshot("repo-03-tags");
    }

    @Test
    @Order(4)
    void gearMenuAddsMovesExpiresAndDeletesTagsAndTagHistoryRevertsThem() {
        browser.go("/repository/alice/app?tab=tags");
        addTag("v1", "v2", false);
        browser.waitForText(".notice", "Saved");
        assertTrue(browser.find("table.tags").getText().contains("v2"));

        addTag("v1", "v2", false);
        browser.waitForText("#form-error", "Tag v2 already exists");
        addTag("v1", "bad tag!", false);
        browser.waitForText("#form-error", "Invalid tag name");
        addTag("v1", "v2", true);
        browser.waitForText(".notice", "Saved");
        browser.screenshot("repo-04-tag-added");

        setExpiration("v2", "2001-01-01T00:00");
        browser.waitForText("#form-error", "Choose a time in the future.");
        var inAWeek = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).plusDays(7)
                .truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        setExpiration("v2", inAWeek.toString());
        browser.waitForText(".notice", "Saved");
        String shown = inAWeek.toString().replace('T', ' ') + " UTC";
        assertTrue(tagRow("v2").getText().contains(shown), tagRow("v2").getText() + " lacks " + shown);

        deleteTag("v2");
        browser.waitForText(".notice", "Saved");
        assertTrue(!tagShown("v2"), "v2 is deleted");

        browser.go("/repository/alice/app?tab=history");
        assertEquals("Information Tags Tag History Builds Usage Logs Settings", browser.find("nav.tabs").getText().replace('\n', ' '));
        assertTrue(browser.find("ol.history").getText().contains("v2"));
        WebElement revert = browser.driver().findElement(By.xpath("//button[starts-with(normalize-space(), 'Revert v2')]"));
        browser.screenshot("repo-05-tag-history");
        browser.clickAndLoad(revert);
        browser.waitForText(".notice", "Saved");
        browser.go("/repository/alice/app?tab=tags");
        assertTrue(tagRow("v2").getText().contains("Never"), "the reverted tag is live again without expiration");
    }

    @Test
    @Order(5)
    void aNonMemberCannotTellAPrivateRepositoryFromAMissingOne() {
        signIn("mallory");
        browser.go("/repository/alice/app");
        browser.waitForText("h1", "404");
        String privateOne = browser.find("main").getText();
        assertFalse(browser.pageSource().contains("Secret plans"));
        browser.go("/repository/alice/nothing-here");
        browser.waitForText("h1", "404");
        assertEquals(privateOne, browser.find("main").getText());
        browser.go("/repository/alice/app?tab=settings");
        browser.waitForText("h1", "404");
        browser.go("/repository");
        assertFalse(browser.pageSource().contains("alice/app"));
    }

    @Test
    @Order(6)
    void settingsMakeTheRepositoryPublicAndDeleteItOnlyWithItsName() {
        signIn("alice");
        browser.go("/repository/alice/app?tab=settings");
        addPermission("user", "nobody-by-that-name", "read");
        browser.waitForText("#form-error", "nobody-by-that-name");
        addPermission("user", "mallory", "read");
        browser.waitForText(".notice", "Saved");
        WebElement grant = permissionRow("mallory");
        assertEquals("read", new Select(grant.findElement(By.tagName("select"))).getFirstSelectedOption().getText());
        new Select(grant.findElement(By.tagName("select"))).selectByVisibleText("write");
        browser.clickAndLoad(grant.findElement(By.xpath(".//button[normalize-space()='Change']")));
        browser.waitForText(".notice", "Saved");
        assertEquals("write", new Select(permissionRow("mallory").findElement(By.tagName("select")))
                .getFirstSelectedOption().getText());
        browser.screenshot("repo-06-permissions");
        browser.clickAndLoad(permissionRow("mallory").findElement(By.xpath(".//button[normalize-space()='Remove']")));
        browser.waitForText(".notice", "Saved");
        assertFalse(browser.find("table.perms").getText().contains("mallory"));

        browser.clickAndLoad(browser.find("#visibility-toggle"));
        browser.waitForText("#visibility-now", "public");
        browser.screenshot("repo-06-settings");

        signIn("mallory");
        browser.go("/explore");
        browser.waitForText("#results", "alice/app");
        browser.go("/repository/alice/app");
        browser.waitForText("h1", "alice/app");
        assertTrue(browser.driver().findElements(org.openqa.selenium.By.cssSelector("textarea#description")).isEmpty(),
                "a reader sees the description but cannot edit it");
        assertEquals("Secret plans for the app", browser.find("#description-text").getText());

        signIn("alice");
        browser.go("/repository/alice/app?tab=settings");
        browser.find("#confirm").sendKeys("alice/ap");
        browser.clickAndLoad(browser.find("button.danger"));
        browser.waitForText("#form-error", "Type alice/app exactly");
        browser.find("#confirm").sendKeys("alice/app");
        browser.clickAndLoad(browser.find("button.danger"));
        browser.waitForText("h1", "Repositories");
        browser.go("/repository/alice/app");
        browser.waitForText("h1", "404");
    }

    @Test
    @Order(7)
    void permanentlyDeletingAMultiArchTagFromTagHistoryFreesTheChildrenNothingElseKeeps() throws Exception {
        var http = new RegistryHttp(server);
        String token = http.token("alice", "alice-password", "repository:alice/multi:pull,push");
        Image amd64 = Images.image(Map.of(), "multi amd64".getBytes(StandardCharsets.UTF_8));
        Image arm64 = Images.image(Map.of(), "multi arm64".getBytes(StandardCharsets.UTF_8));
        Index index = Images.index(List.of(amd64, arm64), List.of("amd64", "arm64"));
        Images.pushIndex(http, "alice/multi", token, "latest", index);
        Images.push(http, "alice/multi", token, "arm", arm64);

        browser.go("/repository/alice/multi?tab=tags");
        deleteTag("latest");
        browser.waitForText(".notice", "Saved");
        browser.go("/repository/alice/multi?tab=history");
        WebElement entry = browser.driver().findElement(By.xpath("//ol[@class='history']/li[strong='latest']"));
        browser.clickAndLoad(entry.findElement(By.xpath(".//button[normalize-space()='Permanently delete']")));
        browser.waitForText(".notice", "Saved");
        assertTrue(browser.driver().findElements(By.xpath("//ol[@class='history']/li[strong='latest']")).isEmpty(),
                "the entry left Tag History");
        browser.screenshot("repo-07-permanently-deleted");

        var fixtures = new Fixtures(server);
        fixtures.query("UPDATE repository_blob SET created_at = created_at - interval '2 hours'", Tuple.tuple());
        server.services().garbageCollector().run().await(60, TimeUnit.SECONDS);
        var manifests = new ManifestClient(http);
        assertEquals(404, manifests.get(token, "alice/multi", index.digest()).statusCode());
        assertEquals(404, manifests.get(token, "alice/multi", amd64.digest()).statusCode());
        assertFalse(Files.exists(server.storedBlob(amd64.layerDigests().getFirst())));
        Images.assertPulls(http, "alice/multi", token, "arm", arm64);
    }

    @Test
    @Order(8)
    void theGearMenuPermanentlyDeletesATagThatTagHistoryCannotRestore() {
        var http = new RegistryHttp(server);
        String token = http.token("alice", "alice-password", "repository:alice/multi:pull,push");
        Images.push(http, "alice/multi", token, "doomed", Images.image(Map.of(), "doomed".getBytes(StandardCharsets.UTF_8)));

        browser.go("/repository/alice/multi?tab=tags");
        openGear("doomed");
        browser.clickAndLoad(tagRow("doomed").findElement(By.xpath(".//button[normalize-space()='Permanently delete doomed']")));
        browser.waitForText(".notice", "Saved");
        assertFalse(tagShown("doomed"));
        browser.go("/repository/alice/multi?tab=history");
        assertTrue(browser.driver().findElements(By.xpath("//ol[@class='history']/li[strong='doomed']")).isEmpty(),
                "nothing of doomed is left to revert");
        var rows = RegistryHttp.json(RegistryHttp.ok(http.api("GET",
                "/repository/alice/multi/tag/?specificTag=doomed&onlyActiveTags=false", server.oauthToken("alice"), null)));
        assertEquals(0, rows.getJsonArray("tags").size(), rows.encode());
    }

    private static void addPermission(String kind, String name, String role) {
        new Select(browser.find("#perm-kind")).selectByValue(kind);
        typeEntity("#perm-entity", name);
        new Select(browser.find("#perm-role")).selectByVisibleText(role);
        browser.clickAndLoad(browser.find("form.add-permission button[type=submit]"));
    }

    private static WebElement permissionRow(String name) {
        return browser.driver().findElement(By.xpath("//table[contains(@class,'perms')]//tr[td[1][normalize-space()='"
                + name + "']]"));
    }

}
