package io.jobcast.api;

import java.util.List;

/**
 * What names a job in each of its events: whose it is, which one, of what type, with which tags.
 *
 * @param tenant the tenant that owns the job
 * @param jobId  the job
 * @param type   its job type
 * @param tags   its tags, as submitted
 */
public record JobRef(String tenant, String jobId, String type, List<String> tags) {

    public JobRef {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
