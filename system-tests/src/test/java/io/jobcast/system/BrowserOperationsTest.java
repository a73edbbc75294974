package io.jobcast.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.util.Collections;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The operations view in Chromium: workers, queues and the live chart of jobs per second. */
@Order(4)
class BrowserOperationsTest extends BrowserTest {


    @Test
    void showsBothWorkersTheQueuesAndJobsPerSecondAsTheyRun() throws Exception {
        Page page = BrowserSession.open(context, "/ui/operations");
        assertThat(page.getByTestId("feed-state")).hasText("Live");

        Jobs.submitBatch(Collections.nCopies(60, "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":10,\"stepMillis\":100}}"));

        // ./jobcast start --workers 2: both heartbeat, and the jobs are in flight on them.
        assertThat(page.getByTestId("workers-table").locator("tbody tr")).hasCount(2);
        assertThat(page.getByTestId("workers-table")).containsText("demo.sleep", new LocatorAssertions.ContainsTextOptions().setTimeout(10_000));
        assertThat(page.getByTestId("queues-table").locator("tr", new com.microsoft.playwright.Locator.LocatorOptions().setHasText("demo.sleep")))
                .containsText(Pattern.compile("RUNNING \\d+"));
        // The chart's legend names the rate of each state over the last minute.
        assertThat(page.locator(".legend")).containsText(Pattern.compile("SUCCEEDED \\d+/s \\(([3-9]\\d) in 60 s\\)"),
                new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        BrowserSession.screenshot(page, "operations.png");
    }
}
