package io.jobcast.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The web UI in Debian's Chromium, served by the gateway of the running suite. */
@Order(4)
@ExtendWith(RunningSuite.class)
class BrowserTest {

    @Test
    void aUserWatchesADemoJobFillItsProgressBarAndSeesTheResult() throws Exception {
        try (Playwright playwright = Playwright.create();
                Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Paths.get("/usr/bin/chromium"))
                        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                "--disable-background-networking", "--disable-component-update", "--disable-sync")))) {
            Page page = browser.newPage();
            page.navigate(RunningSuite.gateway("/#key=" + RunningSuite.apiKey()).toString());
            page.getByLabel("steps").fill("10");
            assertThat(page.url()).as("the key leaves the address bar").doesNotContain("key=");
            page.getByLabel("stepMillis").fill("150");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Submit demo.sleep")).click();

            List<Integer> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (!"SUCCEEDED".equals(textOf(page, "job-state")) && System.currentTimeMillis() < deadline) {
                Object value = page.evaluate("() => document.querySelector('[data-testid=job-progress]')?.value");
                if (value instanceof Number percent && (seen.isEmpty() || seen.get(seen.size() - 1) != percent.intValue())) {
                    seen.add(percent.intValue());
                }
                page.waitForTimeout(40);
            }

            assertThat(page.getByTestId("job-state")).hasText("SUCCEEDED");
            assertThat(page.getByTestId("job-progress")).hasAttribute("value", "100");
            assertThat(page.getByTestId("job-result")).containsText("\"steps\": 10");
            assertThat(seen).as("the bar filled step by step, never backwards").isSorted()
                    .filteredOn(percent -> percent > 0 && percent < 100).hasSizeGreaterThanOrEqualTo(3);
            Path screenshot = Path.of("target/screenshots/demo-job.png");
            page.screenshot(new Page.ScreenshotOptions().setPath(screenshot).setFullPage(true));
        }
    }

    private static String textOf(Page page, String testId) {
        return page.getByTestId(testId).count() == 0 ? "" : page.getByTestId(testId).textContent();
    }
}
