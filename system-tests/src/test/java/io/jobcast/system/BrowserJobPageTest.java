package io.jobcast.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The web UI's job page in Chromium: submit, watch, cancel, and follow over each transport. */
@Order(4)
class BrowserJobPageTest extends BrowserTest {


    @Test
    void aUserSubmitsADemoJobAndSeesTheBarReach100AndTheResult() throws Exception {
        Page page = context.newPage();
        page.navigate(RunningSuite.gateway("/ui/submit#key=" + RunningSuite.apiKey()).toString());
        assertThat(page).not().hasURL(Pattern.compile("key=")); // the key leaves the address bar
        page.getByLabel("Job type").selectOption("demo.sleep");
        page.getByLabel("Payload (JSON)").fill("{\"steps\": 10, \"stepMillis\": 150}");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Submit").setExact(true)).click();

        page.waitForURL("**/ui/jobs/*");
        List<Integer> seen = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!"SUCCEEDED".equals(page.getByTestId("job-state").textContent()) && System.currentTimeMillis() < deadline) {
            int percent = BrowserSession.percent(page);
            if (seen.isEmpty() || seen.get(seen.size() - 1) != percent) {
                seen.add(percent);
            }
            page.waitForTimeout(40);
        }

        assertThat(page.getByTestId("job-state")).hasText("SUCCEEDED");
        assertThat(page.getByTestId("job-progress")).hasAttribute("value", "100");
        assertThat(page.getByTestId("job-percent")).hasText("100%");
        assertThat(page.getByTestId("job-result")).containsText("\"steps\": 10");
        assertThat(page.getByTestId("job-payload")).containsText("\"stepMillis\": 150");
        assertThat(seen).as("the bar filled step by step, never backwards").isSorted()
                .filteredOn(percent -> percent > 0 && percent < 100).hasSizeGreaterThanOrEqualTo(3);
        // The bar is labelled: found by its label, as a screen reader names it.
        assertThat(page.getByLabel("Progress of job " + jobIdOf(page))).isVisible();
    }

    @Test
    void payloadThatIsNotJsonIsShownInlineAndNothingIsSubmitted() {
        Page page = BrowserSession.open(context, "/ui/submit");
        page.getByLabel("Job type").selectOption("demo.sleep");
        page.getByLabel("Payload (JSON)").fill("{\"steps\": 10,");

        assertThat(page.getByLabel("Payload (JSON)")).hasAttribute("aria-invalid", "true");
        assertThat(page.locator(".field-error")).containsText("Not valid JSON");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Submit").setExact(true)).click();
        assertThat(page).hasURL(RunningSuite.gateway("/ui/submit").toString());

        page.getByLabel("Payload (JSON)").fill("{\"steps\": -1}");
        page.getByLabel("Attempts (1–25)").fill("99");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Submit").setExact(true)).click();
        assertThat(page.getByLabel("Attempts (1–25)")).hasAttribute("aria-invalid", "true");
    }

    @Test
    void cancellingARunningJobEndsItCancelled() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":200,\"stepMillis\":100}}");
        Page page = BrowserSession.open(context, "/ui/jobs/" + id);
        assertThat(page.getByTestId("job-state")).hasText("RUNNING");
        page.waitForCondition(() -> BrowserSession.percent(page) > 0);

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel").setExact(true)).click();

        assertThat(page.getByTestId("job-state")).hasText("CANCELLED", new LocatorAssertions.HasTextOptions().setTimeout(5000));
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Retry"))).isEnabled();
        assertThat(Jobs.get(id).path("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void switchingAmongAllFourTransportsKeepsTheBarMovingWithNoMissedStep() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":80,\"stepMillis\":150}}");
        Page page = BrowserSession.open(context, "/ui/jobs/" + id);
        page.waitForCondition(() -> BrowserSession.percent(page) > 0);

        for (String[] transport : new String[][] {{"WebSocket", "websocket"}, {"SSE", "sse"},
                {"Long polling", "long-poll"}, {"Short polling", "poll"}}) {
            page.getByLabel(transport[0], new Page.GetByLabelOptions().setExact(true)).check();
            assertThat(BrowserSession.feedTransport(page)).hasAttribute("data-transport", transport[1]);
            assertThat(page.getByTestId("feed-state")).hasText("Live");
            int before = BrowserSession.percent(page);
            page.waitForCondition(() -> BrowserSession.percent(page) > before,
                    new Page.WaitForConditionOptions().setTimeout(5000));
            if (transport[1].equals("websocket")) {
                BrowserSession.screenshot(page, "job-page.png");
            }
            if (!transport[1].equals("poll")) {
                assertThat(page.getByTestId("feed-latency")).hasText(Pattern.compile("\\d+ ms"));
            }
        }
        page.getByLabel("Auto (shared)").check();

        assertThat(page.getByTestId("job-state")).hasText("SUCCEEDED", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        long lastSeq = Jobs.get(id).path("lastSeq").asLong();
        assertThat(BrowserSession.timelineSeqs(page)).as("every event once, in order, over five transports")
                .containsExactlyElementsOf(IntStream.rangeClosed(1, (int) lastSeq).boxed().toList());
    }

    @Test
    void theJobPageReadsWellAtPhoneWidthInTheDarkTheme() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.fail\",\"payload\":{\"failTimes\":5},\"maxAttempts\":2}");
        Jobs.await(id, Duration.ofSeconds(30), Jobs.inState("DEAD"));
        BrowserContext phone = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(390, 844).setColorScheme(ColorScheme.DARK));
        try {
            Page page = BrowserSession.open(phone, "/ui/jobs/" + id);
            assertThat(page.getByTestId("job-state")).hasText("DEAD");
            assertThat(page.getByTestId("job-error")).containsText("on purpose");
            assertThat(page.locator(".attempts li")).hasCount(2);
            Object overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
            assertThat(((Number) overflow).intValue()).as("no sideways scrolling at phone width").isLessThanOrEqualTo(0);
            BrowserSession.screenshot(page, "job-page-phone-dark.png");
        } finally {
            phone.close();
        }
    }

    private static String jobIdOf(Page page) {
        String url = page.url();
        return url.substring(url.lastIndexOf('/') + 1);
    }
}
