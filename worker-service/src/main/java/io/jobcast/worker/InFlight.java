package io.jobcast.worker;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The attempts this worker runs now: for heartbeats, cancellations and a graceful shutdown. */
@Singleton // no client proxy: it is called several times per job
public class InFlight {

    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();

    void add(Attempt attempt) {
        attempts.put(key(attempt.job.tenant(), attempt.job.jobId()), attempt);
    }

    void remove(Attempt attempt) {
        attempts.remove(key(attempt.job.tenant(), attempt.job.jobId()), attempt);
        synchronized (this) {
            notifyAll();
        }
    }

    /** The attempt of this job that runs here, or null. */
    Attempt find(String tenant, String jobId) {
        return attempts.get(key(tenant, jobId));
    }

    /** Stops the job's attempt if it runs here: its cancellation was requested. */
    public void cancel(String tenant, String jobId) {
        Attempt attempt = attempts.get(key(tenant, jobId));
        if (attempt != null) {
            attempt.cancel();
        }
    }

    List<Attempt> all() {
        return List.copyOf(attempts.values());
    }

    /** Job type to how many of its jobs run here now. */
    public Map<String, Integer> countByType() {
        return attempts.values().stream().collect(Collectors.groupingBy(attempt -> attempt.job.type(), TreeMap::new,
                Collectors.summingInt(attempt -> 1)));
    }

    /** Waits until nothing runs, or {@code timeout} passed; whether nothing runs. */
    synchronized boolean awaitEmpty(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!attempts.isEmpty()) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 200));
        }
        return true;
    }

    private static String key(String tenant, String jobId) {
        return tenant + "/" + jobId;
    }
}
