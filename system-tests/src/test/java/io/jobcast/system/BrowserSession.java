package io.jobcast.system;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.ColorScheme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's Chromium driven by Playwright (browsers cannot be downloaded here), against the gateway
 * of the running suite. Each context is a fresh browser profile that already holds the dev API key,
 * as a user who opened the link {@code ./jobcast run} prints would.
 */
final class BrowserSession implements AutoCloseable {

    /** Where the README's screenshots live. */
    /**
     * Where the browser tests leave their screenshots: under target/, so that running the tests
     * leaves the checkout as it was; `./jobcast screenshots` copies them into docs/screenshots/.
     */
    static final Path SCREENSHOTS = Path.of("target/screenshots").toAbsolutePath();

    private static final List<String> CHROMIUM_ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    private final Playwright playwright;
    private final Browser browser;

    private BrowserSession() {
        playwright = Playwright.create();
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get("/usr/bin/chromium")).setArgs(CHROMIUM_ARGS));
    }

    static BrowserSession launch() {
        return new BrowserSession();
    }

    /** A fresh profile, 1280×860 in the light theme, with the API key stored as the UI keeps it. */
    BrowserContext newContext() {
        return newContext(new Browser.NewContextOptions().setViewportSize(1280, 860).setColorScheme(ColorScheme.LIGHT));
    }

    BrowserContext newContext(Browser.NewContextOptions options) {
        BrowserContext context = browser.newContext(options);
        // about:blank, where every page starts, has no storage: only this origin's pages get the key.
        context.addInitScript("if (location.protocol.startsWith('http')) localStorage.setItem('jobcast.apiKey', '"
                + RunningSuite.apiKey() + "')");
        context.setDefaultTimeout(20_000);
        return context;
    }

    static Page open(BrowserContext context, String path) {
        Page page = context.newPage();
        page.navigate(RunningSuite.gateway(path).toString());
        return page;
    }

    /** Saves a screenshot under docs/screenshots for the README. */
    static void screenshot(Page page, String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name)));
    }

    /** The sequence numbers the job page's timeline shows, oldest first. */
    @SuppressWarnings("unchecked")
    static List<Integer> timelineSeqs(Page page) {
        List<Object> seqs = (List<Object>) page.locator("[data-testid=timeline] tbody tr")
                .evaluateAll("rows => rows.map(row => Number(row.dataset.seq)).reverse()");
        List<Integer> result = new ArrayList<>();
        seqs.forEach(seq -> result.add(((Number) seq).intValue()));
        return result;
    }

    /** The value of the job page's large progress bar. */
    static int percent(Page page) {
        Object value = page.getByTestId("job-progress").evaluate("bar => bar.value");
        return ((Number) value).intValue();
    }

    static Locator feedTransport(Page page) {
        return page.getByTestId("feed-transport");
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
