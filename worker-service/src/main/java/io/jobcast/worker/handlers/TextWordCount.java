package io.jobcast.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jobcast.api.JobOutputs;
import io.jobcast.worker.JobContext;
import io.jobcast.worker.JobFailedPermanently;
import io.jobcast.worker.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.text.BreakIterator;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code text.wordcount}: counts the words of {@code payload.text} (Unicode word boundaries, case
 * folded) and reports the most frequent ones. Works through the text in twentieths, with progress
 * and a checkpoint after each, so a retried or redelivered job continues where the last one stopped.
 */
@ApplicationScoped
public class TextWordCount implements JobHandler {

    private static final int PARTS = 20;
    /** Counts of more distinct words than this are not worth storing as a checkpoint; the job then restarts. */
    private static final int MAX_CHECKPOINTED_WORDS = 5_000;

    /** How far the count got: the text up to {@code offset}, counted. */
    public record Counted(int offset, long words, Map<String, Long> counts) {
    }

    /** One of the most frequent words. */
    public record Frequency(String word, long count) {
    }

    /** The result. */
    public record WordCount(long characters, long words, int distinct, List<Frequency> top) {
    }

    @Override
    public String type() {
        return "text.wordcount";
    }

    @Override
    public String description() {
        return "Counts the words of payload.text and lists the `top` (default 10) most frequent ones.";
    }

    @Override
    public JsonNode example() {
        return JsonNodeFactory.instance.objectNode()
                .put("text", "It was the best of times, it was the worst of times, it was the age of wisdom.")
                .put("top", 3);
    }

    @Override
    public Object run(JobContext context) {
        JsonNode text = context.payload().get("text");
        if (text == null || !text.isTextual()) {
            throw new JobFailedPermanently("payload.text must be a string: the text to count the words of");
        }
        int top = Payloads.intField(context.payload(), "top", 10, 1, 1000);
        String document = text.asText();
        Counted counted = context.lastCheckpoint(Counted.class).orElse(new Counted(0, 0, Map.of()));
        Map<String, Long> counts = new HashMap<>(counted.counts());
        long words = counted.words();
        BreakIterator boundaries = BreakIterator.getWordInstance(Locale.ROOT);
        boundaries.setText(document);
        int offset = counted.offset();
        context.log(offset == 0 ? "counting the words of " + document.length() + " characters"
                : "resuming at character " + offset + " of " + document.length() + ", " + words + " words counted before");
        for (int part = 1; part <= PARTS; part++) {
            int end = part == PARTS ? document.length() : boundaryAfter(boundaries, document.length() * part / PARTS);
            if (end <= offset) {
                continue;
            }
            words += count(document, boundaries, offset, end, counts);
            offset = end;
            Counted now = new Counted(offset, words, counts.size() <= MAX_CHECKPOINTED_WORDS ? Map.copyOf(counts) : null);
            context.log(JobOutputs.Level.DEBUG, "part " + part + " of " + PARTS + ": up to character " + offset + ", "
                    + words + " words, " + counts.size() + " distinct");
            if (now.counts() == null && counted.counts() != null) {
                context.log(JobOutputs.Level.WARN, "more than " + MAX_CHECKPOINTED_WORDS
                        + " distinct words: no more checkpoints, a retry starts over");
            }
            counted = now;
            context.progress(part * 100 / PARTS, words + " words so far", now.counts() == null ? null : now);
        }
        List<Frequency> frequent = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(top).map(entry -> new Frequency(entry.getKey(), entry.getValue())).toList();
        context.log("counted " + words + " words, " + counts.size() + " distinct; the most frequent: "
                + (frequent.isEmpty() ? "none" : frequent.get(0).word() + " (" + frequent.get(0).count() + ")"));
        return new WordCount(document.length(), words, counts.size(), frequent);
    }

    /** The first word boundary at or after {@code index}, so no word is cut in two. */
    private static int boundaryAfter(BreakIterator boundaries, int index) {
        int boundary = boundaries.following(Math.max(0, index - 1));
        return boundary == BreakIterator.DONE ? index : boundary;
    }

    /** Counts the words between two word boundaries. */
    private static long count(String document, BreakIterator boundaries, int from, int to, Map<String, Long> counts) {
        long words = 0;
        int start = from;
        for (int end = boundaries.following(from); end != BreakIterator.DONE && end <= to; end = boundaries.next()) {
            String token = document.substring(start, end);
            if (token.codePoints().anyMatch(Character::isLetterOrDigit)) {
                counts.merge(token.toLowerCase(Locale.ROOT), 1L, Long::sum);
                words++;
            }
            start = end;
        }
        return words;
    }
}
