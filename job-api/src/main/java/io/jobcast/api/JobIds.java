package io.jobcast.api;

import java.util.UUID;
import java.util.regex.Pattern;

/** Job ids: random UUIDs in their canonical lower-case form. */
public final class JobIds {

    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private JobIds() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** Whether a client-supplied id can name a job at all; anything else is answered as not found. */
    public static boolean isValid(String id) {
        return id != null && CANONICAL.matcher(id).matches();
    }
}
