package io.jobcast.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The job page in Chromium shows a job's live output and log as they grow, the same text the API stores. */
@Order(4)
class BrowserLiveOutputTest extends BrowserTest {

    @Test
    void theJobPageFollowsAStoryAsItIsToldAndReadsWhatTheApiStored() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.story\",\"payload\":{\"tokens\":400,\"tokensPerSecond\":40}}");
        Page page = BrowserSession.open(context, "/ui/jobs/" + id);

        // Seen while it is told: the text grows in the page before the job ends.
        page.waitForCondition(() -> page.getByTestId("output-text").count() > 0
                && page.getByTestId("output-text").textContent().length() > 40);
        assertThat(page.getByTestId("job-state")).hasText("RUNNING");
        assertThat(page.getByTestId("output-log")).containsText("telling 400 tokens");
        // The job's events share the page (and its one connection) with its outputs: the bar moves too.
        page.waitForCondition(() -> BrowserSession.percent(page) > 0 && BrowserSession.timelineSeqs(page).size() >= 3);
        page.getByTestId("job-outputs").scrollIntoViewIfNeeded();
        BrowserSession.screenshot(page, "job-page-live-output.png");

        assertThat(page.getByTestId("job-state")).hasText("SUCCEEDED", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        String stored = new String(OutputClients.whole(id, "text", RunningSuite.apiKey()).body(), StandardCharsets.UTF_8);
        page.waitForCondition(() -> page.getByTestId("output-text").textContent().equals(stored),
                new Page.WaitForConditionOptions().setTimeout(10_000));
        assertThat(page.getByTestId("output-text").textContent()).as("the page's text is the stored text").isEqualTo(stored);
        assertThat(page.getByTestId("output-log")).containsText("done: 400 tokens");
        assertThat(Jobs.await(id, Duration.ofSeconds(5), Jobs.inState("SUCCEEDED")).path("result").path("tokens").asInt())
                .isEqualTo(400);
    }
}
