package io.jobcast.system;

import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The quick part of the chaos drill: a plain EventSource and a plain WebSocket in Chromium (no
 * library: the code of /examples/vanilla.html) follow a job while a progress-service replica, then
 * the other, then the gateway are killed with -9 and started again. Each client sees every event
 * of the job exactly once, in order.
 */
@Order(10)
class BrowserThroughRestartsTest extends BrowserTest {

    /** What the vanilla example does: EventSource as it is; a WebSocket that reconnects with backoff and resumes. */
    static final String FOLLOW = """
            ([jobId, token]) => {
              const TERMINAL = ['SUCCEEDED', 'CANCELLED', 'DEAD'];
              window.drill = { sse: [], ws: [], closes: [] };
              const source = new EventSource('/api/v1/jobs/' + jobId + '/events?token=' + encodeURIComponent(token));
              const receive = (message) => {
                const event = JSON.parse(message.data);
                drill.sse.push(event.seq);
                if (event.type === 'state' && TERMINAL.includes(event.state)) source.close();
              };
              source.addEventListener('progress', receive);
              source.addEventListener('state', receive);
              const url = new URL('/api/v1/ws?token=' + encodeURIComponent(token), location.href);
              url.protocol = 'ws:';
              let lastSeq = 0, retries = 0, done = false;
              (function connect() {
                const socket = new WebSocket(url);
                socket.onopen = () => socket.send(JSON.stringify({ op: 'subscribe', jobId, after: lastSeq }));
                socket.onmessage = (message) => {
                  const frame = JSON.parse(message.data);
                  if (frame.op) { retries = 0; return; }
                  lastSeq = frame.seq;
                  drill.ws.push(frame.seq);
                  if (frame.type === 'state' && TERMINAL.includes(frame.state)) { done = true; socket.close(1000); }
                };
                socket.onclose = (close) => {
                  drill.closes.push(close.code);
                  if (done || close.code === 1008 || close.code === 1003) return;
                  setTimeout(connect, Math.min(5000, 200 * 2 ** retries++) * (0.5 + Math.random() / 2));
                };
              })();
            }
            """;

    @Test
    void aPlainEventSourceAndWebSocketMissNothingWhenReplicasAndTheGatewayAreKilled() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":600,\"stepMillis\":200}}");
        String token = MAPPER.readTree(Jobs.post("/api/v1/stream-tokens", "{\"jobs\":[\"" + id + "\"]}").body())
                .path("token").asText();
        Page page = BrowserSession.open(context, "/examples/index.html");
        page.evaluate(FOLLOW, List.of(id, token));
        awaitBothGrow(page, 3);

        for (String process : List.of("progress-service", "progress-service-2", "gateway")) {
            Processes.crash(process);
            Processes.startMissing();
            awaitBothGrow(page, 5); // live again, through the restarted part or the other replica
        }
        Jobs.post("/api/v1/jobs/" + id + "/cancel", "");
        JsonNode ended = Jobs.await(id, Duration.ofSeconds(30), Jobs.inState("CANCELLED"));

        List<Long> all = LongStream.rangeClosed(1, ended.path("lastSeq").asLong()).boxed().toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> seqs(page, "sse").size() >= all.size()
                && seqs(page, "ws").size() >= all.size());
        assertThat(seqs(page, "sse")).as("EventSource: every event once, in order").containsExactlyElementsOf(all);
        assertThat(seqs(page, "ws")).as("WebSocket: every event once, in order").containsExactlyElementsOf(all);
        assertThat(((List<?>) page.evaluate("drill.closes")).stream().map(code -> ((Number) code).intValue()))
                .as("a killed replica's sockets are closed with 1012").contains(1012);
    }

    private static void awaitBothGrow(Page page, int events) {
        int sse = seqs(page, "sse").size();
        int ws = seqs(page, "ws").size();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> seqs(page, "sse").size() >= sse + events && seqs(page, "ws").size() >= ws + events);
    }

    @SuppressWarnings("unchecked")
    static List<Long> seqs(Page page, String client) {
        return ((List<Number>) page.evaluate("drill." + client)).stream().map(Number::longValue).toList();
    }
}
