package io.jobcast.progress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLogWriter;
import io.jobcast.api.ScriptRunner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;

/** Makes {@link JobDriver}s wired to the same Redis as the service under test. */
@ApplicationScoped
class JobDrivers {

    private final EventLogWriter writer;
    private final ObjectMapper mapper;

    JobDrivers(Redis redis, ObjectMapper mapper) {
        this.writer = new EventLogWriter(new ScriptRunner(redis), mapper, new SimpleMeterRegistry());
        this.mapper = mapper;
    }

    JobDriver forTenant(String tenant) {
        return new JobDriver(tenant, writer, mapper);
    }
}
