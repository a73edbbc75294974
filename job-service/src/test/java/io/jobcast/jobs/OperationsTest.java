package io.jobcast.jobs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.JobKeys;
import io.jobcast.api.WorkerInfo;
import io.jobcast.jobs.store.JobStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What operators see: live workers from their heartbeats, queue depths from the broker, job counts from Redis. */
@QuarkusTest
class OperationsTest {

    @Inject
    JobStore store;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;

    @Test
    void listsWorkersThatSentAHeartbeatAndLeavesOutSilentOnes() throws Exception {
        String live = "w-" + UUID.randomUUID();
        String silent = "w-" + UUID.randomUUID();
        heartbeat(live, Instant.now());
        heartbeat(silent, Instant.now().minusSeconds(120));

        given().header(InternalHeaders.TENANT, "ops").get("/api/v1/workers").then().statusCode(200)
                .body("id", hasItem(live))
                .body("id", org.hamcrest.Matchers.not(hasItem(silent)))
                .body("find { it.id == '" + live + "' }.inFlight.'demo.sleep'", equalTo(2));
    }

    @Test
    void showsEachTypesQueueDepthAndTheTenantsJobsByState() throws Exception {
        String tenant = "ops-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestType type = new TestType(redis)) {
            for (int i = 0; i < 3; i++) {
                given().header(InternalHeaders.TENANT, tenant).contentType("application/json")
                        .body("{\"type\":\"" + type.name + "\"}").post("/api/v1/jobs").then().statusCode(202);
            }
            ScriptedJob running = ScriptedJob.aJob(tenant, type.name, store, redis, mapper).running();

            given().header(InternalHeaders.TENANT, tenant).get("/api/v1/queues").then().statusCode(200)
                    .body("queues.find { it.type == '" + type.name + "' }.queue", equalTo(type.queue()))
                    .body("queues.find { it.type == '" + type.name + "' }.ready", equalTo(3))
                    .body("queues.find { it.type == '" + type.name + "' }.jobs.QUEUED", equalTo(3))
                    .body("queues.find { it.type == '" + type.name + "' }.jobs.RUNNING", equalTo(1))
                    .body("oldestQueued", org.hamcrest.Matchers.startsWith("PT"));
            running.appended(running.succeed());
        }
    }

    private void heartbeat(String id, Instant at) throws Exception {
        WorkerInfo info = new WorkerInfo(id, "host-a", Map.of("demo.sleep", 8), Map.of("demo.sleep", 2), at, at, false);
        redis.value(String.class).set(JobKeys.worker(id), mapper.writeValueAsString(info));
        redis.sortedSet(String.class).zadd(JobKeys.WORKERS, at.toEpochMilli(), id);
    }
}
