package io.jobcast.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.worker.config.WorkerConfig;
import io.jobcast.worker.store.EventLogStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/** This worker: its name and the handlers it runs, registered with job-service at start-up. */
@ApplicationScoped
public class Workers {

    private static final Logger LOG = Logger.getLogger(Workers.class);

    private final String id;
    private final Map<String, JobHandler> handlers = new TreeMap<>();

    public Workers(WorkerConfig config, Instance<JobHandler> handlers) {
        this.id = config.id().orElseGet(() -> ManagementFactory.getRuntimeMXBean().getName().replace('@', '-'));
        for (JobHandler handler : handlers) {
            JobHandler previous = this.handlers.put(handler.type(), handler);
            if (previous != null) {
                throw new IllegalStateException("two handlers for job type " + handler.type() + ": "
                        + previous.getClass().getName() + " and " + handler.getClass().getName());
            }
        }
    }

    void register(@Observes StartupEvent start, EventLogStore store, ObjectMapper mapper) {
        Map<String, String> descriptions = new LinkedHashMap<>();
        handlers.forEach((type, handler) ->
                descriptions.put(type, mapper.createObjectNode().put("description", handler.description()).toString()));
        store.registerTypes(descriptions);
        LOG.infof("worker %s runs job types %s", id, handlers.keySet());
    }

    public String id() {
        return id;
    }

    /** The handler of a type; a job of a type this worker cannot run fails its attempt with a clear error. */
    public JobHandler handlerFor(String type) {
        JobHandler handler = handlers.get(type);
        if (handler == null) {
            throw new IllegalStateException("worker " + id + " has no handler for job type '" + type + "'");
        }
        return handler;
    }
}
