package io.jobcast.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The jobs table in Chromium: live rows from one WebSocket subscription, filters, pages, keyboard. */
@Order(4)
class BrowserJobsTableTest extends BrowserTest {


    @Test
    void aJobSubmittedWithCurlShowsInTheTableWithinASecondAndRunsLive() throws Exception {
        Page page = BrowserSession.open(context, "/ui/jobs");
        assertThat(page.getByTestId("feed-state")).hasText("Live");
        assertThat(BrowserSession.feedTransport(page)).hasAttribute("data-transport", "websocket");

        RunningSuite.Result curl = RunningSuite.run(List.of("curl", "-s", "-X", "POST",
                RunningSuite.gateway("/api/v1/jobs").toString(), "-H", "X-API-Key: " + RunningSuite.apiKey(),
                "-H", "Content-Type: application/json", "-d", "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":8,\"stepMillis\":150}}"), 30);
        long accepted = System.nanoTime();
        String id = EventClients.MAPPER.readTree(curl.output()).path("id").asText();
        Locator row = page.locator("tr[data-job-id='" + id + "']");

        row.waitFor(new Locator.WaitForOptions().setTimeout(1000));
        long shownAfterMillis = (System.nanoTime() - accepted) / 1_000_000;
        assertThat(shownAfterMillis).as("shown %d ms after curl's answer", shownAfterMillis).isLessThan(1000);
        assertThat(row).hasAttribute("data-state", "RUNNING", new LocatorAssertions.HasAttributeOptions().setTimeout(10_000));
        assertThat(row).hasAttribute("data-state", "SUCCEEDED", new LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
        assertThat(row.locator("progress")).hasAttribute("value", "100");
        assertThat(row.getByLabel("Progress of job " + id.substring(0, 8))).isVisible();
    }

    @Test
    void filtersByStateTypeAndTagComeFromTheAddressAndTheForm() throws Exception {
        String tag = "ui-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = Jobs.submitBatch(List.of(
                "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":0},\"tags\":[\"" + tag + "\"]}",
                "{\"type\":\"text.wordcount\",\"payload\":{\"text\":\"a b a\"},\"tags\":[\"" + tag + "\"]}",
                "{\"type\":\"demo.fail\",\"payload\":{\"failTimes\":3},\"maxAttempts\":1,\"tags\":[\"" + tag + "\"]}"));
        for (String id : ids) {
            Jobs.await(id, Duration.ofSeconds(30), Jobs::isFinished);
        }
        Page page = BrowserSession.open(context, "/ui/jobs");

        page.getByLabel("Tag").fill(tag);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
        assertThat(page.locator("tr[data-job-id]")).hasCount(3);
        assertThat(page).hasURL(Pattern.compile("tag=" + tag));

        page.getByLabel("State").selectOption("DEAD");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
        assertThat(page.locator("tr[data-job-id]")).hasCount(1);
        assertThat(page.locator("tr[data-job-id]")).hasAttribute("data-job-id", ids.get(2));

        page.navigate(RunningSuite.gateway("/ui/jobs?type=text.wordcount&tag=" + tag).toString());
        assertThat(page.locator("tr[data-job-id]")).hasCount(1);
        assertThat(page.getByLabel("Type")).hasValue("text.wordcount");
    }

    @Test
    void pagesGoOlderAndBackToTheNewest() throws Exception {
        Jobs.submitBatch(Collections.nCopies(25, "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":0}}"));
        Page page = BrowserSession.open(context, "/ui/jobs");
        assertThat(page.locator("tr[data-job-id]")).hasCount(20);
        String newest = page.locator("tr[data-job-id]").first().getAttribute("data-job-id");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Older")).click();
        assertThat(page).hasURL(Pattern.compile("cursor="));
        assertThat(page.locator("tr[data-job-id='" + newest + "']")).hasCount(0);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Newest")).click();
        assertThat(page.locator("tr[data-job-id='" + newest + "']")).hasCount(1);
    }

    @Test
    void arrowKeysMoveBetweenRowsAndEnterOpensTheJob() throws Exception {
        Jobs.submitBatch(Collections.nCopies(2, "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":0}}"));
        Page page = BrowserSession.open(context, "/ui/jobs");
        Locator links = page.locator("a.row-link");
        assertThat(links.nth(1)).isVisible();
        String second = page.locator("tr[data-job-id]").nth(1).getAttribute("data-job-id");

        links.first().focus();
        page.keyboard().press("ArrowDown");
        page.keyboard().press("Enter");

        assertThat(page).hasURL(RunningSuite.gateway("/ui/jobs/" + second).toString());
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1))).containsText(second);
    }

    @Test
    void screenshotsOfTheJobsListWhileJobsRun() throws Exception {
        Jobs.submitBatch(List.of(
                "{\"type\":\"demo.fail\",\"payload\":{\"failTimes\":5},\"maxAttempts\":2,\"tags\":[\"nightly\"]}",
                "{\"type\":\"text.wordcount\",\"payload\":{\"text\":\"to be or not to be\"},\"tags\":[\"docs\"]}",
                "{\"type\":\"demo.cpu\",\"payload\":{\"iterations\":200000}}"));
        String cancelled = Jobs.submit("{\"type\":\"demo.sleep\",\"delay\":\"1m\",\"tags\":[\"later\"]}");
        Jobs.post("/api/v1/jobs/" + cancelled + "/cancel", "");
        Jobs.submitBatch(List.of(
                "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":40,\"stepMillis\":250},\"tags\":[\"import\"]}",
                "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":30,\"stepMillis\":200},\"priority\":9}",
                "{\"type\":\"demo.sleep\",\"delay\":\"10m\",\"tags\":[\"report\"]}",
                "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":60,\"stepMillis\":100}}"));
        Page page = BrowserSession.open(context, "/ui/jobs");
        assertThat(page.locator("tr[data-state='RUNNING']").first()).isVisible();
        page.waitForTimeout(2500);
        BrowserSession.screenshot(page, "jobs-list.png");

        BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
                .setColorScheme(ColorScheme.DARK));
        try {
            Page small = BrowserSession.open(phone, "/ui/jobs");
            assertThat(small.locator("tr[data-job-id]").first()).isVisible();
            Object overflow = small.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
            assertThat(((Number) overflow).intValue()).as("no sideways scrolling at phone width").isLessThanOrEqualTo(0);
            BrowserSession.screenshot(small, "jobs-list-phone-dark.png");
        } finally {
            phone.close();
        }
    }
}
