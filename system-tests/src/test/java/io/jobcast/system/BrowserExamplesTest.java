package io.jobcast.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The integration examples under /examples/, as a server-rendered site would use Jobcast: each
 * page starts a job and shows its bar reach 100 %, with its scripts from this origin (the CSP
 * allows no other) and no error in the console.
 */
@Order(4)
class BrowserExamplesTest extends BrowserTest {

    private static final LocatorAssertions.HasAttributeOptions WITHIN_30_S = new LocatorAssertions.HasAttributeOptions().setTimeout(30_000);

    private final List<String> errors = new CopyOnWriteArrayList<>();

    @Override
    @BeforeEach
    void newProfile() {
        super.newProfile();
        context.onPage(page -> {
            page.onConsoleMessage(message -> {
                if ("error".equals(message.type())) {
                    errors.add(message.text());
                }
            });
            page.onPageError(errors::add);
        });
    }

    @Override
    @AfterEach
    void closeProfile() {
        super.closeProfile();
        assertThat(errors).as("console errors (a blocked script or request shows here)").isEmpty();
    }

    @Test
    void jqueryPostsPollsWithGetJsonAndLoadsTheFragment() {
        Page page = BrowserSession.open(context, "/examples/jquery.html");
        page.getByText("Start a demo job").click();

        assertThat(page.locator("#bar")).hasAttribute("value", "100", WITHIN_30_S);
        assertThat(page.locator("#state")).hasText("SUCCEEDED");
        assertThat(page.locator("#fragment progress")).hasAttribute("value", "100", WITHIN_30_S);
        assertThat(page.locator("#fragment .jobcast-progress")).hasAttribute("data-state", "SUCCEEDED", WITHIN_30_S);
    }

    @Test
    void htmxSubmitsTheFormAndPollsTheFragmentUntilTheJobEnds() {
        Page page = BrowserSession.open(context, "/examples/htmx.html");
        page.getByText("Start a demo job").click();

        assertThat(page.locator("#job progress")).hasAttribute("value", "100", WITHIN_30_S);
        assertThat(page.locator("#job .jobcast-progress")).hasAttribute("data-state", "SUCCEEDED", WITHIN_30_S);
        // Polling stopped with the job: the poller was replaced by a copy htmx does not poll.
        assertThat(page.locator("#job [hx-trigger]")).hasCount(0);
    }

    @Test
    void eventSourceAndWebSocketFollowTheJobWithAStreamToken() {
        Page page = BrowserSession.open(context, "/examples/vanilla.html");
        page.getByText("Start a demo job").click();

        assertThat(page.locator("#sse-bar")).hasAttribute("value", "100", WITHIN_30_S);
        assertThat(page.locator("#ws-bar")).hasAttribute("value", "100", WITHIN_30_S);
        assertThat(page.locator("#sse-state")).hasText("SUCCEEDED");
        assertThat(page.locator("#ws-state")).hasText("SUCCEEDED");
    }

    @Test
    void theIndexLinksEveryExample() {
        Page page = BrowserSession.open(context, "/examples/");
        for (String example : List.of("jquery.html", "htmx.html", "vanilla.html")) {
            assertThat(page.locator("a[href='" + example + "']")).hasCount(1);
        }
    }
}
