package io.jobcast.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The flow view in Chromium: a group of 50 children, each bar and the flow's own, live to 100 %. */
@Order(4)
class BrowserFlowTest extends BrowserTest {

    private static final LocatorAssertions.HasAttributeOptions WITHIN_A_MINUTE =
            new LocatorAssertions.HasAttributeOptions().setTimeout(60_000);

    @Test
    void aGroupOfFiftyChildrenIsWatchedLiveUntilEveryBarAndTheFlowsReach100() throws Exception {
        StringBuilder children = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            children.append(i == 0 ? "" : ",").append("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":10,\"stepMillis\":")
                    .append(200 + 10 * (i % 7)).append("}}");
        }
        HttpResponse<String> answer = Jobs.post("/api/v1/flows", "{\"children\":[" + children + "]}");
        org.assertj.core.api.Assertions.assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode accepted = EventClients.MAPPER.readTree(answer.body());
        String flow = accepted.path("flow").path("id").asText();
        String child = accepted.path("children").get(0).asText();

        Page page = BrowserSession.open(context, "/ui/jobs/" + flow);
        Locator list = page.getByTestId("flow-children");
        assertThat(list.locator("li[data-job-id]")).hasCount(50);
        // The sentinel that the page follows the flow live: its bar moves before it ends.
        assertThat(page.getByTestId("job-state")).hasText("RUNNING",
                new LocatorAssertions.HasTextOptions().setTimeout(30_000));

        assertThat(page.getByTestId("job-progress")).hasAttribute("value", "100", WITHIN_A_MINUTE);
        assertThat(page.getByTestId("job-state")).hasText("SUCCEEDED");
        assertThat(page.getByTestId("flow-counts").locator("[data-state='SUCCEEDED']")).hasAttribute("data-count", "50");
        assertThat(page.getByTestId("flow-counts")).hasAttribute("data-total", "50");
        assertThat(list.locator("li[data-state='SUCCEEDED']")).hasCount(50);
        assertThat(page.locator("[data-testid='flow-child-progress'][value='100']")).hasCount(50);

        page.navigate(RunningSuite.gateway("/ui/jobs/" + child).toString());
        assertThat(page.getByTestId("part-of-flow").locator("a")).hasAttribute("href", "/ui/jobs/" + flow);
    }
}
