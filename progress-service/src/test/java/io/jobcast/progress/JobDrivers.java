package io.jobcast.progress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Makes {@link JobDriver}s wired to the same Redis and RabbitMQ as the service under test. */
@ApplicationScoped
class JobDrivers {

    private final RedisDataSource redis;
    private final ObjectMapper mapper;
    private final String rabbitHost;
    private final int rabbitPort;
    private final String exchange;

    JobDrivers(RedisDataSource redis, ObjectMapper mapper, @ConfigProperty(name = "rabbitmq-host") String rabbitHost,
            @ConfigProperty(name = "rabbitmq-port") int rabbitPort,
            @ConfigProperty(name = "jobcast.events.exchange") String exchange) {
        this.redis = redis;
        this.mapper = mapper;
        this.rabbitHost = rabbitHost;
        this.rabbitPort = rabbitPort;
        this.exchange = exchange;
    }

    JobDriver forTenant(String tenant) throws Exception {
        return new JobDriver(tenant, redis, mapper, rabbitHost, rabbitPort, exchange);
    }
}
