package io.jobcast.jobs;

import io.jobcast.api.JobKeys;
import io.jobcast.api.JobRecord;
import io.jobcast.jobs.store.JobStore;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists a tenant's jobs newest first, filtered, a page at a time. It walks the most selective of
 * the Redis indexes that the event log keeps (tag, else type, else state, else all jobs) and checks
 * the other filters on the records, so no query scans keys.
 */
@ApplicationScoped
public class JobSearch {

    /** A page of jobs; {@code next} continues after its last job, null when there is no more. */
    public record Page(List<Job> jobs, String next) {
    }

    /** Index entries read per round trip beyond the page size, for filters checked on the records. */
    private static final int MIN_BATCH = 50;
    /** Index entries one request reads at most; a sparse filter then answers a shorter page and a cursor. */
    private static final int SCAN_BUDGET = 5_000;

    private final JobStore store;

    public JobSearch(JobStore store) {
        this.store = store;
    }

    public Uni<Page> list(String tenant, JobQuery query) {
        String index = query.parent() != null ? JobKeys.children(tenant, query.parent())
                : query.tag() != null ? JobKeys.byTag(tenant, query.tag())
                : query.type() != null ? JobKeys.byType(tenant, query.type())
                : query.state() != null ? JobKeys.byState(tenant, query.state())
                : JobKeys.jobs(tenant);
        long min = query.from() == null ? 0 : query.from().toEpochMilli();
        // A fixed upper bound: jobs created while we read do not shift the offsets.
        long max = Math.min(query.to() == null ? Long.MAX_VALUE : query.to().toEpochMilli(), Instant.now().toEpochMilli());
        if (query.cursorMs() != null) {
            max = Math.min(max, query.cursorMs());
        }
        return new Walk(tenant, query, index, min, max).next(0);
    }

    /** One listing in progress. */
    private final class Walk {

        private final String tenant;
        private final JobQuery query;
        private final String index;
        private final long min;
        private final long max;
        private final int batch;
        private final List<Job> jobs = new ArrayList<>();
        private ScoredValue<String> lastScanned;

        Walk(String tenant, JobQuery query, String index, long min, long max) {
            this.tenant = tenant;
            this.query = query;
            this.index = index;
            this.min = min;
            this.max = max;
            this.batch = Math.max(MIN_BATCH, query.limit() * 2);
        }

        Uni<Page> next(int offset) {
            return store.newest(index, min, max, offset, batch).chain(entries -> {
                List<ScoredValue<String>> candidates = entries.stream().filter(this::afterCursor).toList();
                return store.findAll(tenant, candidates.stream().map(ScoredValue::value).toList())
                        .chain(records -> {
                            for (ScoredValue<String> entry : candidates) {
                                if (jobs.size() == query.limit()) {
                                    return done(true);
                                }
                                lastScanned = entry;
                                records.stream().filter(r -> r.id().equals(entry.value())).findFirst()
                                        .filter(this::matches).ifPresent(record -> jobs.add(Job.of(record).summary()));
                            }
                            int scanned = offset + entries.size();
                            if (entries.size() < batch) {
                                return done(false);
                            }
                            if (jobs.size() == query.limit() || scanned >= SCAN_BUDGET) {
                                return done(true);
                            }
                            return next(scanned);
                        });
            });
        }

        private Uni<Page> done(boolean more) {
            String next = more && lastScanned != null
                    ? JobQuery.cursor((long) lastScanned.score(), lastScanned.value()) : null;
            return Uni.createFrom().item(new Page(List.copyOf(jobs), next));
        }

        /** Entries at the cursor's exact time that sort at or after its id came on the previous page. */
        private boolean afterCursor(ScoredValue<String> entry) {
            return query.cursorMs() == null || (long) entry.score() != query.cursorMs()
                    || entry.value().compareTo(query.cursorId()) < 0;
        }

        private boolean matches(JobRecord record) {
            long created = record.createdAt().toEpochMilli();
            return (query.state() == null || record.state() == query.state())
                    && (query.type() == null || record.type().equals(query.type()))
                    && (query.tag() == null || record.tags().contains(query.tag()))
                    && (query.parent() == null || query.parent().equals(record.parent()))
                    && created >= min && created <= max;
        }
    }
}
