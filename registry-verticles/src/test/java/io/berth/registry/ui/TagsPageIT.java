package io.berth.registry.ui;

import io.berth.registry.testing.Images;
import io.berth.registry.testing.RegistryHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.util.List;

import static io.berth.registry.ui.UiSteps.tagRow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Tags tab of a repository with more tags than one page holds: pages, the filter, selecting and deleting tags. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TagsPageIT extends BrowserTestBase {
    /** t000 … t059, created oldest first, so the newest (t059) leads the first page. */
    private static final int TAGS = 60;

    @BeforeAll
    static void start() {
        open("carol");
        Images.pushTagged(server, "carol", "carol/many", java.util.stream.IntStream.range(0, TAGS).mapToObj(TagsPageIT::tag).toList());
        signIn("carol");
    }

    @Test
    @Order(1)
    void fiftyTagsAPageNewestFirstWithNextAndPreviousPages() {
        browser.go("/repository/carol/many?tab=tags");
        List<String> first = shownTags();
        assertEquals(50, first.size());
        assertEquals(tag(59), first.getFirst());
        assertEquals(tag(10), first.getLast());
        assertTrue(browser.pageWeight() > 40_000, "the page's weight counts its scripts: " + browser.pageWeight());
        browser.screenshot("tags-01-first-page");

        browser.clickAndLoad(browser.find("nav.pager a[rel=next]"));
        assertEquals(List.of(tag(9), tag(8), tag(7), tag(6), tag(5), tag(4), tag(3), tag(2), tag(1), tag(0)), shownTags());
        assertTrue(browser.driver().findElements(By.cssSelector("nav.pager a[rel=next]")).isEmpty(), "no page after the last");
        browser.clickAndLoad(browser.find("nav.pager a[rel=prev]"));
        assertEquals(first, shownTags());
    }

    @Test
    @Order(2)
    void theFilterNarrowsTheTagsByPartOfTheirName() {
        browser.go("/repository/carol/many?tab=tags");
        browser.find("#tag-filter").sendKeys("T05");
        browser.clickAndLoad(browser.find("form.filter button"));
        assertEquals(List.of(tag(59), tag(58), tag(57), tag(56), tag(55), tag(54), tag(53), tag(52), tag(51), tag(50)), shownTags());
        assertTrue(browser.driver().findElements(By.cssSelector("nav.pager")).isEmpty(), "one page of matches");

        browser.find("#tag-filter").clear();
        browser.find("#tag-filter").sendKeys("nothing-like-this");
        browser.clickAndLoad(browser.find("form.filter button"));
        assertEquals("No tags match.", browser.find("main p.note").getText());
    }

    @Test
    @Order(3)
    void addingATagThatExistsOnALaterPageStillAsksToMoveIt() {
        browser.go("/repository/carol/many?tab=tags");
        WebElement row = tagRow(tag(59));
        row.findElement(By.tagName("summary")).click();
        WebElement target = row.findElement(By.name("target"));
        target.sendKeys(tag(0));
        browser.clickAndLoad(target.findElement(By.xpath("./../button")));
        browser.waitForText("#form-error", "Tag " + tag(0) + " already exists");
    }

    @Test
    @Order(4)
    void selectedTagsAreDeletedTogether() {
        browser.go("/repository/carol/many?tab=tags");
        browser.clickAndLoad(browser.find("#bulk-tags button"));
        browser.waitForText("#form-error", "Select the tags to delete.");

        browser.go("/repository/carol/many?tab=tags");
        for (String name : List.of(tag(59), tag(58), tag(57))) {
            tagRow(name).findElement(By.cssSelector("input[type=checkbox]")).click();
        }
        browser.screenshot("tags-02-selected");
        browser.clickAndLoad(browser.find("#bulk-tags button"));
        browser.waitForText(".notice", "Saved");
        List<String> shown = shownTags();
        assertEquals(tag(56), shown.getFirst());
        assertFalse(shown.contains(tag(58)), shown.toString());
        var tags = RegistryHttp.json(new RegistryHttp(server).api("GET", "/repository/carol/many/tag/?onlyActiveTags=true&limit=100",
                server.oauthToken("carol"), null)).getJsonArray("tags");
        assertEquals(TAGS - 3, tags.size());
    }

    private static String tag(int i) {
        return "t%03d".formatted(i);
    }

    private static List<String> shownTags() {
        return browser.driver().findElements(By.cssSelector("table.tags tbody summary")).stream().map(WebElement::getText).toList();
    }
}
