package io.jobcast.jobs;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as clients write them: ISO-8601 ({@code PT30S}) or a number and a unit ({@code 30s}). */
final class Durations {

    static final String FORMAT = "a duration such as \"30s\", \"250ms\", \"5m\", \"2h\", \"1d\" or \"PT30S\"";

    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration, or null if the text is neither form. */
    static Duration parse(String text) {
        Matcher shorthand = SHORT.matcher(text);
        if (shorthand.matches()) {
            long amount = Long.parseLong(shorthand.group(1));
            return switch (shorthand.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }
}
