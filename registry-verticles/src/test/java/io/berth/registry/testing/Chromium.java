package io.berth.registry.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's headless Chromium driven through its chromium-driver (never a downloaded one), pointed at one test server.
 * Missing Chromium skips a test on a developer's machine and fails it in CI ({@code CI=true}). Every page visited can
 * be saved as a screenshot under {@code target/screenshots/}.
 */
public final class Chromium implements AutoCloseable {
    private static final Path BROWSER = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "screenshots");
    private static final long MAX_PAGE_WEIGHT = 300 * 1024;

    private final WebDriver driver;
    private final String baseUrl;
    private final Path profile;

    private Chromium(WebDriver driver, String baseUrl, Path profile) {
        this.driver = driver;
        this.baseUrl = baseUrl;
        this.profile = profile;
    }

    public static Chromium open(TestServer server) {
        boolean present = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            if (!present) fail("chromium or chromedriver is missing in CI; .ci/run must install them");
        } else {
            assumeTrue(present, "chromium or chromedriver is missing; skipping (set CI=true to make this a failure)");
        }
        try {
            Path profile = Files.createTempDirectory("berth-chromium");
            var options = new ChromeOptions().setBinary(BROWSER.toFile()).addArguments("--headless=new", "--no-sandbox",
                    "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
                    "--window-size=1280,900");
            var service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
            var driver = new ChromeDriver(service, options);
            // every page is weighed as a first visit would load it
            driver.executeCdpCommand("Network.enable", Map.of());
            driver.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
            return new Chromium(driver, server.baseUrl(), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() { return driver; }

    public void go(String path) {
        driver.get(baseUrl + path);
        checkWeight();
    }

    public String path() {
        return driver.getCurrentUrl().substring(baseUrl.length());
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /** Clicks a button or link that loads a new page, and waits until the new page has loaded. */
    public void clickAndLoad(WebElement element) {
        load(element::click);
    }

    /** Follows the link with that text; a link that htmx swapped for a new one meanwhile is looked up again. */
    public void followLink(String text) {
        new WebDriverWait(driver, Duration.ofSeconds(10)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> {
                    clickAndLoad(d.findElement(org.openqa.selenium.By.linkText(text)));
                    return true;
                });
    }

    /** Runs a script that leaves the page (submits a form, say), and waits until the new page has loaded. */
    public void scriptAndLoad(String script, Object... args) {
        load(() -> ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(script, args));
    }

    /** The HTTP status of the page shown. */
    public long status() {
        return (Long) ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "return performance.getEntriesByType('navigation')[0].responseStatus;");
    }

    private void load(Runnable leave) {
        var js = (org.openqa.selenium.JavascriptExecutor) driver;
        js.executeScript("window.berthOldPage = true;");
        leave.run();
        new WebDriverWait(driver, Duration.ofSeconds(10)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> Boolean.TRUE.equals(js.executeScript(
                        "return window.berthOldPage === undefined && document.readyState === 'complete';")));
        checkWeight();
    }

    /**
     * The bytes the current page loaded, uncompressed: the document and its assets (style sheets, scripts, images,
     * fonts); htmx's later fetches are not part of loading the page.
     */
    public long pageWeight() {
        return ((Number) ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("""
                const loaded = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')
                    .filter(r => r.initiatorType !== 'xmlhttprequest' && r.initiatorType !== 'fetch'));
                return loaded.reduce((sum, e) => sum + e.decodedBodySize, 0);""")).longValue();
    }

    /** Issue #6's budget: no page loads more than 300 KB; every page a browser test visits is held to it. */
    private void checkWeight() {
        long weight = pageWeight();
        if (weight > MAX_PAGE_WEIGHT) fail(path() + " loaded " + weight + " bytes; a page may load at most " + MAX_PAGE_WEIGHT);
    }

    /** Waits until the element shows the text (htmx swaps and redirects land asynchronously). */
    public WebElement waitForText(String css, String text) {
        return waitForText(css, text, Duration.ofSeconds(10));
    }

    /** The same for at most {@code max} (a build's phase, which htmx refreshes while the build runs). */
    public WebElement waitForText(String css, String text, Duration max) {
        new WebDriverWait(driver, max)
                .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
        return find(css);
    }

    public String pageSource() {
        return driver.getPageSource();
    }

    public void width(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** The page's full width, to check nothing overflows a narrow window. */
    public long scrollWidth() {
        return (Long) ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollWidth;");
    }

    /** Scrolls the element into the middle of the window, so a screenshot shows it. */
    public void scrollIntoView(WebElement element) {
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "arguments[0].scrollIntoView({block: 'center'});", element);
    }

    public void screenshot(String name) {
        try {
            Files.createDirectories(SHOTS);
            byte[] png = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(SHOTS.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
