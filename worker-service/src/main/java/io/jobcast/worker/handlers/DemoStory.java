package io.jobcast.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jobcast.worker.JobContext;
import io.jobcast.worker.JobHandler;
import io.jobcast.worker.JobOutput;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code demo.story}: writes a text to the output {@code text} token by token, {@code tokensPerSecond}
 * of them, as a language model streams its answer: {@code {"tokens": 200, "tokensPerSecond": 20}},
 * optionally {@code "text"} to tell instead of the built-in story (its words are the tokens, repeated
 * as needed), or {@code "stamp": true} for tokens that are the time they were appended (16 digits of
 * microseconds since the epoch and a space): the benchmark's clients measure append-to-client latency by them. Progress follows the tokens; the log notes each tenth. Tokens are paced from the start,
 * not from the previous one, so slow appends do not lower the rate.
 */
@ApplicationScoped
public class DemoStory implements JobHandler {

    /** Dickens, in the public domain; a word and the space before it are one token. */
    static final String STORY = "It was the best of times, it was the worst of times, it was the age of wisdom, it was"
            + " the age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the"
            + " season of Light, it was the season of Darkness, it was the spring of hope, it was the winter of"
            + " despair, we had everything before us, we had nothing before us, we were all going direct to Heaven,"
            + " we were all going direct the other way \u2014 in short, the period was so far like the present"
            + " period, that some of its noisiest authorities insisted on its being received, for good or for evil,"
            + " in the superlative degree of comparison only.\n";

    @Override
    public String type() {
        return "demo.story";
    }

    @Override
    public String description() {
        return "Writes a story to the output \"text\", tokensPerSecond tokens at a time, like a language model answering.";
    }

    @Override
    public JsonNode example() {
        return JsonNodeFactory.instance.objectNode().put("tokens", 120).put("tokensPerSecond", 20);
    }

    @Override
    public Object run(JobContext context) throws InterruptedException {
        int tokens = Payloads.intField(context.payload(), "tokens", 200, 1, 10_000_000);
        int perSecond = Payloads.intField(context.payload(), "tokensPerSecond", 20, 1, 1_000_000);
        boolean stamp = context.payload().path("stamp").asBoolean(false);
        JsonNode custom = context.payload().get("text");
        String[] words = (custom != null && custom.isTextual() && !custom.asText().isBlank() ? custom.asText() : STORY)
                .split("(?<= )");
        JobOutput text = context.output("text");
        context.log("telling " + tokens + " tokens at " + perSecond + " per second (attempt " + context.attempt() + ")");
        long start = System.nanoTime();
        long bytes = 0;
        int percent = 0;
        for (int token = 1; token <= tokens; token++) {
            long wait = start + TimeUnit.SECONDS.toNanos(token) / perSecond - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            context.checkCancelled();
            String word = stamp ? String.format("%016d ", nowMicros()) : words[(token - 1) % words.length];
            text.append(word);
            bytes += word.getBytes(StandardCharsets.UTF_8).length;
            int now = (int) ((long) token * 100 / tokens);
            if (now / 10 > percent / 10 && now < 100) {
                context.log("token " + token + " of " + tokens + ", " + bytes + " bytes so far");
            }
            if (now > percent && now < 100) {
                context.progress(now, token + " of " + tokens + " tokens");
                percent = now;
            }
        }
        context.log("done: " + tokens + " tokens, " + bytes + " bytes");
        return Map.of("tokens", tokens, "bytes", bytes);
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
