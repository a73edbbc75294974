package io.jobcast.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Flow control in Chromium: a type paused on the Operations page holds its new jobs (the job's page
 * says why it waits), and resumed from there they run.
 */
class BrowserFlowControlTest extends BrowserTest {

    private static final String TYPE = "text.wordcount";
    private static final LocatorAssertions.HasAttributeOptions SOON =
            new LocatorAssertions.HasAttributeOptions().setTimeout(30_000);

    @AfterEach
    void resume() throws Exception {
        Jobs.post("/api/v1/queues/" + TYPE + "/resume", "");
    }

    @Test
    void aTypePausedAndResumedFromTheOperationsPageHoldsItsJobsThenRunsThem() throws Exception {
        Page page = BrowserSession.open(context, "/ui/operations");
        page.getByTestId("pause-" + TYPE).click();
        Locator row = page.getByTestId("queue-" + TYPE);
        assertThat(row).hasAttribute("data-paused", "true", SOON);

        List<String> ids = Jobs.submitBatch(Collections.nCopies(2,
                "{\"type\":\"" + TYPE + "\",\"payload\":{\"text\":\"paused then resumed\"}}"));
        assertThat(page.getByTestId("held-" + TYPE)).hasText("2", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        Page job = context.newPage();
        job.navigate(RunningSuite.gateway("/ui/jobs/" + ids.get(0)).toString());
        assertThat(job.getByTestId("job-waiting")).containsText(TYPE + " is paused");
        assertThat(job.getByTestId("job-state")).hasText("QUEUED");

        page.getByTestId("resume-" + TYPE).click();
        assertThat(row).hasAttribute("data-paused", "false", SOON);
        assertThat(job.getByTestId("job-state")).hasText("SUCCEEDED", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        assertThat(job.getByTestId("job-waiting")).hasCount(0);
        for (String id : ids) {
            Jobs.await(id, Duration.ofSeconds(30), Jobs.inState("SUCCEEDED"));
        }
    }
}
