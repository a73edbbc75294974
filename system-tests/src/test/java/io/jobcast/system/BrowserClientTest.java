package io.jobcast.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The browser client library (web-ui/src/jobcast-client) in Chromium against the running suite,
 * through the job page in its automatic mode: it falls back when WebSocket is refused or streams are
 * blocked, resumes after the server drops it, and shares one connection among the tabs of an origin.
 * Playwright stands in for the hostile network: it routes WebSocket upgrades and aborts requests.
 */
@Order(4)
class BrowserClientTest extends BrowserTest {

    private static final Pattern WEB_SOCKET = Pattern.compile(".*/api/v1/ws.*");
    private static final LocatorAssertions.HasTextOptions WITHIN_30_S = new LocatorAssertions.HasTextOptions().setTimeout(30_000);


    @Test
    void fallsBackToSseWhenTheWebSocketIsRefused() throws Exception {
        // A proxy that will not carry WebSockets: every upgrade is closed at once.
        context.routeWebSocket(WEB_SOCKET, socket -> socket.close(new WebSocketRoute.CloseOptions().setCode(1008).setReason("blocked")));
        String id = Jobs.submit(sleep(30, 150));

        Page page = BrowserSession.open(context, "/ui/jobs/" + id);

        assertThat(BrowserSession.feedTransport(page)).hasAttribute("data-transport", "sse");
        assertThat(page.getByTestId("feed-status")).containsText("fell back from WebSocket");
        assertEveryEventOnce(page, id);
    }

    @Test
    void fallsBackToLongPollingWhenWebSocketAndSseAreBlocked() throws Exception {
        context.routeWebSocket(WEB_SOCKET, socket -> socket.close(new WebSocketRoute.CloseOptions().setCode(1008).setReason("blocked")));
        context.route(Pattern.compile(".*/api/v1/(jobs/[^/]+/)?events.*"), route -> route.abort());
        String id = Jobs.submit(sleep(30, 150));

        Page page = BrowserSession.open(context, "/ui/jobs/" + id);

        assertThat(BrowserSession.feedTransport(page)).hasAttribute("data-transport", "long-poll");
        assertThat(page.getByTestId("feed-status")).containsText("fell back from WebSocket, SSE");
        assertEveryEventOnce(page, id);
    }

    @Test
    void resumesFromTheLastEventAfterTheServerDropsTheConnection() throws Exception {
        // The first socket is cut (as a restart or a proxy timeout would) after a few events; later ones pass.
        AtomicInteger sockets = new AtomicInteger();
        context.routeWebSocket(WEB_SOCKET, page -> {
            WebSocketRoute server = page.connectToServer();
            boolean cut = sockets.incrementAndGet() <= 2; // the all-jobs socket and the job's
            AtomicInteger frames = new AtomicInteger();
            page.onMessage(frame -> server.send(frame.text()));
            server.onMessage(frame -> {
                page.send(frame.text());
                if (cut && frame.text().contains("\"type\":\"progress\"") && frames.incrementAndGet() == 5) {
                    page.close(new WebSocketRoute.CloseOptions().setCode(1012).setReason("service restart"));
                    server.close();
                }
            });
        });
        String id = Jobs.submit(sleep(30, 150));

        Page page = BrowserSession.open(context, "/ui/jobs/" + id);

        assertThat(page.getByTestId("feed-reconnects")).not().hasText("0", WITHIN_30_S);
        assertThat(BrowserSession.feedTransport(page)).hasAttribute("data-transport", "websocket");
        assertEveryEventOnce(page, id);
    }

    @Test
    void twoTabsShareOneConnectionAndTheOtherTakesOverWhenTheFirstCloses() throws Exception {
        List<String> firstTabSockets = new CopyOnWriteArrayList<>();
        List<String> secondTabSockets = new CopyOnWriteArrayList<>();
        String id = Jobs.submit(sleep(50, 150));

        Page first = context.newPage();
        first.onWebSocket(socket -> firstTabSockets.add(socket.url()));
        first.navigate(RunningSuite.gateway("/ui/jobs/" + id).toString());
        assertThat(first.getByTestId("feed-state")).hasText("Live");
        Page second = context.newPage();
        second.onWebSocket(socket -> secondTabSockets.add(socket.url()));
        second.navigate(RunningSuite.gateway("/ui/jobs/" + id).toString());

        assertThat(second.getByTestId("feed-status")).containsText("shared by another tab");
        second.waitForCondition(() -> BrowserSession.percent(second) > 10);
        assertThat(secondTabSockets).as("the second tab opened no socket of its own").isEmpty();
        assertThat(firstTabSockets).as("one for the all-jobs feed, one for job subscriptions").hasSize(2);

        first.close();

        assertThat(second.getByTestId("feed-status")).not().containsText("shared by another tab",
                new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        assertThat(second.getByTestId("feed-state")).hasText("Live");
        assertThat(BrowserSession.feedTransport(second)).hasAttribute("data-transport", "websocket");
        second.waitForCondition(() -> !secondTabSockets.isEmpty()); // it leads now, with its own connections
        assertEveryEventOnce(second, id);
    }

    /** The job succeeds on the page, whose timeline shows every event 1..lastSeq exactly once. */
    private static void assertEveryEventOnce(Page page, String id) throws Exception {
        assertThat(page.getByTestId("job-state")).hasText("SUCCEEDED", WITHIN_30_S);
        assertThat(page.getByTestId("job-progress")).hasAttribute("value", "100");
        int lastSeq = Jobs.get(id).path("lastSeq").asInt();
        assertThat(BrowserSession.timelineSeqs(page)).containsExactlyElementsOf(IntStream.rangeClosed(1, lastSeq).boxed().toList());
    }

    private static String sleep(int steps, int stepMillis) {
        return "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":" + steps + ",\"stepMillis\":" + stepMillis + "}}";
    }
}
