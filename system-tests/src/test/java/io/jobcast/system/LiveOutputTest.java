package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobcast.system.OutputClients.Frame;
import io.jobcast.system.OutputClients.Received;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A job's live output (demo.story writing a text token by token) over the four transports, through
 * the gateway, with the real brokers: resumed mid-output it gives exactly the rest, byte for byte; a
 * worker killed mid-output leaves its section and a new attempt writes the next; the size limit and
 * the tenants' walls hold.
 */
@ExtendWith(RunningSuite.class)
class LiveOutputTest {

    /** Multi-byte characters on purpose: offsets are bytes. */
    private static final String STORY = "Über den Wolken — muß die Freiheit wohl grenzenlos sein; "
            + "alle Ängste, alle Sorgen, sagt man, blieben darunter verborgen 🌥 und dann ";

    @AfterEach
    void restartWhatWasStopped() throws Exception {
        Processes.startMissing();
    }

    private static String storyJob(int tokens, int perSecond) throws Exception {
        return Jobs.submit("{\"type\":\"demo.story\",\"payload\":{\"tokens\":" + tokens + ",\"tokensPerSecond\":"
                + perSecond + ",\"text\":" + MAPPER.writeValueAsString(STORY) + "}}");
    }

    /** What demo.story writes: the text's words (each with the space after it), cycled. */
    private static String told(int tokens) {
        String[] words = STORY.split("(?<= )");
        StringBuilder text = new StringBuilder();
        for (int token = 0; token < tokens; token++) {
            text.append(words[token % words.length]);
        }
        return text.toString();
    }

    @Test
    void resumedMidOutputEachTransportGivesExactlyTheRest() throws Exception {
        int tokens = 600;
        String job = storyJob(tokens, 150);
        String expected = told(tokens);

        // The four clients follow at once while the job writes, each dropping its connection mid-output.
        CompletableFuture<Received[]> sse = both(() -> OutputClients.sse(job, "text", 0, 5),
                start -> OutputClients.sse(job, "text", start.end(0), Integer.MAX_VALUE));
        CompletableFuture<Received[]> ws = both(() -> OutputClients.webSocket(job, "text", 0, 5),
                start -> OutputClients.webSocket(job, "text", start.end(0), Integer.MAX_VALUE));
        CompletableFuture<Received[]> poll = both(() -> OutputClients.longPoll(job, "text", 0, 3),
                start -> OutputClients.longPoll(job, "text", start.end(0), 10_000));
        byte[] textStart = OutputClients.text(job, "text", 0, 101);
        int cut = wholeCharacters(textStart);
        byte[] textRest = OutputClients.text(job, "text", cut, Integer.MAX_VALUE);
        Received sseStart = sse.get(90, TimeUnit.SECONDS)[0];
        Received sseRest = sse.get()[1];
        Received wsStart = ws.get(90, TimeUnit.SECONDS)[0];
        Received wsRest = ws.get()[1];
        Received pollStart = poll.get(90, TimeUnit.SECONDS)[0];
        Received pollRest = poll.get()[1];

        assertThat(sseStart.frames()).as("ended: %s", sseStart.ended()).hasSize(5);
        assertThat(sseStart.text() + sseRest.text()).as("SSE").isEqualTo(expected);
        assertThat(sseRest.ended()).isTrue();
        assertThat(wsStart.frames()).hasSize(5);
        assertThat(wsStart.text() + wsRest.text()).as("WebSocket").isEqualTo(expected);
        assertThat(wsRest.ended()).isTrue();
        assertThat(pollStart.frames()).isNotEmpty();
        assertThat(pollStart.text() + pollRest.text()).as("long poll").isEqualTo(expected);
        assertThat(pollRest.ended()).isTrue();
        assertThat(new String(concat(Arrays.copyOf(textStart, cut), textRest), StandardCharsets.UTF_8)).as("text/plain")
                .isEqualTo(expected);
        for (Received received : List.of(sseStart, sseRest, wsStart, wsRest, pollStart, pollRest)) {
            assertContiguous(received.frames());
        }
        HttpResponse<byte[]> whole = OutputClients.whole(job, "text", RunningSuite.apiKey());
        assertThat(new String(whole.body(), StandardCharsets.UTF_8)).as("the stored output").isEqualTo(expected);
        assertThat(whole.headers().firstValue("Jobcast-Output-Length"))
                .hasValue(Integer.toString(expected.getBytes(StandardCharsets.UTF_8).length));
        assertThat(Jobs.get(job).path("result").path("tokens").asInt()).isEqualTo(tokens);

        String log = new String(OutputClients.whole(job, "log", RunningSuite.apiKey()).body(), StandardCharsets.UTF_8);
        assertThat(log.lines().toList()).first().asString().matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z INFO  telling 600 tokens.*");
        assertThat(log.lines().toList()).last().asString().contains("done: 600 tokens");
    }

    @Test
    void aWorkerKilledMidOutputLeavesItsSectionAndTheNextAttemptWritesANewOne() throws Exception {
        int tokens = 300;
        String job = storyJob(tokens, 60);
        CompletableFuture<Received> follower = CompletableFuture.supplyAsync(() -> {
            try {
                return OutputClients.sse(job, "text", 0, Integer.MAX_VALUE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> length(job, "text") >= 100);
        String worker = Jobs.get(job).path("worker").asText();
        assertThat(worker).isNotBlank();
        Processes.signal(worker, "KILL");
        Jobs.await(job, Duration.ofSeconds(90), Jobs.inState("SUCCEEDED"));

        JsonNode text = outputs(job).path("outputs").findValuesAsText("name").contains("text")
                ? findOutput(outputs(job), "text") : null;
        assertThat(text).isNotNull();
        JsonNode sections = text.path("sections");
        assertThat(sections).as("one section per attempt that wrote").hasSize(2);
        long secondStart = sections.get(1).path("offset").asLong();
        int secondAttempt = sections.get(1).path("attempt").asInt();
        assertThat(secondAttempt).isGreaterThan(sections.get(0).path("attempt").asInt());

        Received followed = follower.get(60, TimeUnit.SECONDS);
        assertThat(followed.ended()).isTrue();
        assertContiguous(followed.frames());
        String stored = new String(OutputClients.whole(job, "text", RunningSuite.apiKey()).body(), StandardCharsets.UTF_8);
        assertThat(followed.text()).as("the follower saw both sections, byte for byte").isEqualTo(stored);
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        for (Frame frame : followed.frames()) {
            assertThat(frame.offset() < secondStart ? frame.end() <= secondStart : frame.attempt() == secondAttempt)
                    .as("no frame spans two sections: %s", frame).isTrue();
            (frame.offset() < secondStart ? first : second).append(frame.text());
        }
        assertThat(told(tokens)).as("the killed attempt's words are the story's start").startsWith(first.toString());
        assertThat(first.length()).isPositive();
        assertThat(second.toString()).as("the new attempt told all of it").isEqualTo(told(tokens));
        String log = new String(OutputClients.whole(job, "log", RunningSuite.apiKey()).body(), StandardCharsets.UTF_8);
        assertThat(log).contains("(attempt " + sections.get(0).path("attempt").asInt() + ")")
                .contains("(attempt " + secondAttempt + ")");

        Received resumedInTheSecond = OutputClients.webSocket(job, "text", followed.frames().stream()
                .filter(frame -> frame.attempt() == secondAttempt).findFirst().orElseThrow().end(), Integer.MAX_VALUE);
        assertThat(resumedInTheSecond.frames()).allMatch(frame -> frame.attempt() == secondAttempt);
        assertThat(stored).endsWith(resumedInTheSecond.text());
    }

    @Test
    void theSizeLimitHoldsAndTheLogSaysWhy() throws Exception {
        String block = "x".repeat(999) + " ";
        String job = Jobs.submit("{\"type\":\"demo.story\",\"payload\":{\"tokens\":1200,\"tokensPerSecond\":1000000,"
                + "\"text\":\"" + block + "\"}}");
        JsonNode ended = Jobs.await(job, Duration.ofSeconds(60), Jobs::isFinished);
        assertThat(ended.path("state").asText()).isEqualTo("DEAD");
        assertThat(ended.path("error").asText()).contains("output limit of 1048576 bytes");
        long text = length(job, "text");
        long log = length(job, "log");
        assertThat(text).isBetween(1048576L - 1000 - log, 1048576L);
        String logText = new String(OutputClients.whole(job, "log", RunningSuite.apiKey()).body(), StandardCharsets.UTF_8);
        assertThat(logText.lines().filter(line -> line.contains("output limit of 1048576 bytes reached")).count())
                .as("said once").isEqualTo(1);
        assertThat(logText.lines().toList()).last().asString().contains(" ERROR ");
    }

    @Test
    void outputsAreTheirTenantsOnlyAndTokensCoverTheirJobsOnly() throws Exception {
        String job = storyJob(20, 1000);
        String other = storyJob(20, 1000);
        Jobs.await(job, Duration.ofSeconds(30), Jobs.inState("SUCCEEDED"));
        Jobs.await(other, Duration.ofSeconds(30), Jobs.inState("SUCCEEDED"));
        String rival = RunningSuite.newApiKey("rival-output", "output isolation test");
        assertThat(OutputClients.whole(job, "text", rival).statusCode()).isEqualTo(404);
        for (String accept : List.of("text/event-stream", "application/json", "text/plain")) {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(OutputClients.output(job, "text", "wait=0"))
                    .header("X-API-Key", rival).header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(accept).isEqualTo(404);
            assertThat(answer.headers().firstValue("Content-Type")).as(accept).hasValue("application/problem+json");
        }
        assertThat(HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/jobs/" + job + "/outputs"))
                .header("X-API-Key", rival).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);

        String token = EventClients.streamToken(job);
        assertThat(get(OutputClients.output(job, "text", "follow=false&token=" + token)).statusCode()).isEqualTo(200);
        assertThat(get(OutputClients.output(other, "text", "follow=false&token=" + token)).statusCode()).isEqualTo(403);
        assertThat(get(RunningSuite.gateway("/api/v1/jobs/" + other + "/outputs?token=" + token)).statusCode())
                .isEqualTo(403);
    }

    /** Each stream holds a connection from the gateway to progress-service while it follows: none waits for another to end. */
    @Test
    void fiveHundredStreamsOfOneJobAreOpenAtOnceThroughTheGateway() throws Exception {
        String job = storyJob(100_000, 20);
        List<CompletableFuture<HttpResponse<java.io.InputStream>>> streams = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) { // more than 200 per replica (the suite runs two), Vert.x pool sizes
            streams.add(HTTP.sendAsync(HttpRequest.newBuilder(OutputClients.output(job, "text", null))
                    .header("X-API-Key", RunningSuite.apiKey()).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream()));
        }
        try {
            for (CompletableFuture<HttpResponse<java.io.InputStream>> stream : streams) {
                assertThat(stream.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(Jobs.get(job).path("state").asText()).as("all open while the job still writes").isEqualTo("RUNNING");
        } finally {
            for (CompletableFuture<HttpResponse<java.io.InputStream>> stream : streams) {
                stream.thenAccept(answer -> {
                    try {
                        answer.body().close();
                    } catch (java.io.IOException ignored) {
                        // gone already
                    }
                });
            }
            Jobs.post("/api/v1/jobs/" + job + "/cancel", "{}");
        }
    }

    @Test
    void badRequestsGetClearAnswers() throws Exception {
        String job = storyJob(10, 1000);
        Jobs.await(job, Duration.ofSeconds(30), Jobs.inState("SUCCEEDED"));
        assertProblem(get(OutputClients.output(job, "No!", "follow=false")), 404, "/problems/output-not-found");
        assertProblem(get(OutputClients.output(job, "never-written", null)), 404, "/problems/output-not-found");
        assertProblem(get(OutputClients.output(job, "text", "after=abc")), 400, "/problems/invalid-resume-point");
        // "Über": byte 1 is inside the Ü.
        assertProblem(get(OutputClients.output(job, "text", "after=1")), 400, "/problems/invalid-resume-point");

        CompletableFuture<JsonNode> error = new CompletableFuture<>();
        WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + RunningSuite.GATEWAY_PORT
                + "/api/v1/ws?token=" + EventClients.streamToken(job)), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        try {
                            JsonNode frame = MAPPER.readTree(data.toString());
                            if ("error".equals(frame.path("op").asText())) {
                                error.complete(frame);
                            }
                        } catch (Exception e) {
                            error.completeExceptionally(e);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            socket.sendText("{\"op\":\"subscribe\",\"jobId\":\"" + job + "\",\"output\":\"Bad Name\"}", true)
                    .get(10, TimeUnit.SECONDS);
            assertThat(error.get(10, TimeUnit.SECONDS).path("status").asInt()).isEqualTo(400);
        } finally {
            socket.abort();
        }
    }

    interface Follow<T> {
        T get() throws Exception;
    }

    interface Resume {
        Received from(Received start) throws Exception;
    }

    /** A client that follows, drops its connection, and resumes: what it got before and after. */
    private static CompletableFuture<Received[]> both(Follow<Received> start, Resume rest) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Received first = start.get();
                return new Received[] {first, rest.from(first)};
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String type) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(MAPPER.readTree(answer.body()).path("type").asText()).isEqualTo(type);
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (uri.getQuery() == null || !uri.getQuery().contains("token=")) {
            request.header("X-API-Key", RunningSuite.apiKey());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode outputs(String job) throws Exception {
        return Jobs.getPath("/api/v1/jobs/" + job + "/outputs");
    }

    private static JsonNode findOutput(JsonNode outputs, String name) {
        for (JsonNode output : outputs.path("outputs")) {
            if (name.equals(output.path("name").asText())) {
                return output;
            }
        }
        return null;
    }

    private static long length(String job, String name) throws Exception {
        JsonNode output = findOutput(outputs(job), name);
        return output == null ? 0 : output.path("length").asLong();
    }

    /** Each frame starts where the one before it ended. */
    private static void assertContiguous(List<Frame> frames) {
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).offset()).as("frame %d", i).isEqualTo(frames.get(i - 1).end());
        }
    }

    private static int wholeCharacters(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] & 0xC0) == 0x80) {
            end--;
        }
        // bytes[end - 1] is now a lead (or ASCII) byte: keep it only if its sequence is complete.
        if (end > 0 && (bytes[end - 1] & 0x80) != 0) {
            int lead = bytes[end - 1] & 0xFF;
            int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            return bytes.length - (end - 1) >= length ? end - 1 + length : end - 1;
        }
        return end;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
