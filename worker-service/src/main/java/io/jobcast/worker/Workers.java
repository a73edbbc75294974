package io.jobcast.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.worker.config.WorkerConfig;
import io.jobcast.worker.store.EventLogStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/** This worker: its name, the handlers it runs and how many jobs of each type at once; registered at start-up. */
@ApplicationScoped
public class Workers {

    private static final Logger LOG = Logger.getLogger(Workers.class);

    private final String id;
    private final Map<String, JobHandler> handlers = new TreeMap<>();
    private final Map<String, Integer> concurrency = new TreeMap<>();

    public Workers(WorkerConfig config, Instance<JobHandler> all) {
        this.id = config.id().filter(name -> !name.isBlank())
                .orElseGet(() -> ManagementFactory.getRuntimeMXBean().getName().replace('@', '-'));
        Map<String, JobHandler> available = new TreeMap<>();
        for (JobHandler handler : all) {
            JobHandler previous = available.put(handler.type(), handler);
            if (previous != null) {
                throw new IllegalStateException("two handlers for job type " + handler.type() + ": "
                        + previous.getClass().getName() + " and " + handler.getClass().getName());
            }
        }
        List<String> types = config.types().orElse(List.copyOf(available.keySet()));
        for (String type : types) {
            JobHandler handler = available.get(type);
            if (handler == null) {
                throw new IllegalStateException("jobcast.worker.types names '" + type + "', but this worker has no"
                        + " handler for it; it has " + available.keySet());
            }
            handlers.put(type, handler);
            int limit = config.typeConcurrency().getOrDefault(type, config.concurrency());
            if (limit < 1) {
                throw new IllegalStateException("the concurrency of job type " + type + " must be at least 1");
            }
            concurrency.put(type, limit);
        }
    }

    void register(@Observes StartupEvent start, EventLogStore store, ObjectMapper mapper) {
        Map<String, String> registrations = new LinkedHashMap<>();
        handlers.forEach((type, handler) -> registrations.put(type, write(mapper, info(handler))));
        store.registerTypes(registrations);
        LOG.infof("worker %s runs job types %s", id, concurrency);
    }

    public String id() {
        return id;
    }

    /** Job type to how many jobs of it this worker runs at once. */
    public Map<String, Integer> concurrency() {
        return Map.copyOf(concurrency);
    }

    /** The handler of a type; a job of a type this worker cannot run fails its attempt with a clear error. */
    public JobHandler handlerFor(String type) {
        JobHandler handler = handlers.get(type);
        if (handler == null) {
            throw new JobFailedPermanently("worker " + id + " has no handler for job type '" + type + "'");
        }
        return handler;
    }

    private static JobTypeInfo info(JobHandler handler) {
        JobDefaults defaults = handler.defaults();
        return new JobTypeInfo(handler.type(), handler.description(), defaults.maxAttempts(), millis(defaults.timeout()),
                millis(defaults.backoff()), millis(defaults.backoffMax()), handler.example());
    }

    private static long millis(Duration duration) {
        return duration == null ? 0 : duration.toMillis();
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
