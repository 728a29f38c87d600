package io.berth.registry.ui;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;

import static io.berth.registry.ui.BrowserTestBase.browser;

/** What browser tests do on the Tags tab's rows and gear menus and on a Usage Logs page, in one place. */
final class UiSteps {
    private UiSteps() {}

    /** The XPath of the Tags table's row for the tag. */
    static String tagRowPath(String tag) {
        return "//table[contains(@class,'tags')]//tr[.//summary[normalize-space()='" + tag + "']]";
    }

    static WebElement tagRow(String tag) {
        return browser.driver().findElement(By.xpath(tagRowPath(tag)));
    }

    static boolean tagShown(String tag) {
        return !browser.driver().findElements(By.xpath(tagRowPath(tag))).isEmpty();
    }

    static void openGear(String tag) {
        WebElement details = tagRow(tag).findElement(By.tagName("details"));
        if (details.getAttribute("open") == null) details.findElement(By.tagName("summary")).click();
    }

    /** Add New Tag from the gear menu of {@code on}; with {@code move}, confirms moving a tag that exists. */
    static void addTag(String on, String name, boolean move) {
        openGear(on);
        WebElement form = tagRow(on).findElement(By.cssSelector("form.gear input[name=target]")).findElement(By.xpath("./.."));
        form.findElement(By.name("target")).sendKeys(name);
        if (move) form.findElement(By.name("move")).click();
        browser.clickAndLoad(form.findElement(By.cssSelector("button")));
    }

    /** Change Expiration with a datetime-local value (set by script: typing into it depends on the locale). */
    static void setExpiration(String tag, String value) {
        openGear(tag);
        WebElement input = tagRow(tag).findElement(By.name("expires"));
        ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].value = arguments[1];", input, value);
        browser.clickAndLoad(input.findElement(By.xpath("./../button")));
    }

    static void deleteTag(String tag) {
        openGear(tag);
        browser.clickAndLoad(tagRow(tag).findElement(By.cssSelector("button.danger")));
    }

    /**
     * Types a name into an entity picker as a person would: once the picker has looked it up, picks the suggestion of
     * exactly that name, or closes the list when there is none, so the open list never covers the form's button.
     */
    static void typeEntity(String css, String name) {
        WebElement input = browser.find(css);
        input.sendKeys(name);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(d -> !"true".equals(input.getDomAttribute("aria-busy")));
        var exact = browser.driver().findElements(By.cssSelector("#" + input.getDomAttribute("aria-controls")
                + " [role=option]")).stream().filter(o -> name.equals(o.getDomAttribute("data-name"))).findFirst();
        if (exact.isPresent()) {
            exact.get().click();
        } else if ("true".equals(input.getDomAttribute("aria-expanded"))) {
            input.sendKeys(Keys.ESCAPE);
        }
    }

    /** Filter Logs on a Usage Logs page. */
    static void filterLogs(String text) {
        browser.find("#log-filter").clear();
        browser.find("#log-filter").sendKeys(text);
        browser.clickAndLoad(browser.find("#log-show"));
    }

    /** The sentences of the log entries shown. */
    static List<String> logSentences() {
        return browser.driver().findElements(By.cssSelector("ol.log-entries .sentence")).stream()
                .map(WebElement::getText).toList();
    }
}
