package io.jobcast.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.jobcast.api.ControlMessage;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.JobMessage;
import io.jobcast.jobs.store.JobStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cancelling and retrying jobs by request, against real Redis and RabbitMQ (a test plays the worker). */
@QuarkusTest
class JobRequestsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String TENANT = "requests";

    @Inject
    JobStore store;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;
    @ConfigProperty(name = "rabbitmq-host")
    String rabbitHost;
    @ConfigProperty(name = "rabbitmq-port")
    int rabbitPort;
    @ConfigProperty(name = "jobcast.control.exchange")
    String controlExchange;

    private TestType type;
    private Connection connection;
    private Channel channel;
    private String controlProbe;

    @BeforeEach
    void listen() throws Exception {
        type = new TestType(redis);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(rabbitHost);
        factory.setPort(rabbitPort);
        connection = factory.newConnection();
        channel = connection.createChannel();
        channel.exchangeDeclare(controlExchange, "fanout", true);
        controlProbe = channel.queueDeclare().getQueue();
        channel.queueBind(controlProbe, controlExchange, "");
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
        type.close();
    }

    private ScriptedJob.Builder aJob() {
        return ScriptedJob.aJob(TENANT, type.name, store, redis, mapper);
    }

    @Test
    void aQueuedJobIsCancelledAtOnce() {
        ScriptedJob job = aJob().create();

        given().header(InternalHeaders.TENANT, TENANT).post("/api/v1/jobs/" + job.id() + "/cancel")
                .then().statusCode(200).body("state", equalTo("CANCELLED")).body("finishedAt", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void aRunningJobsCancellationIsStoredAndAnnouncedToTheWorkers() throws Exception {
        ScriptedJob job = aJob().running();

        given().header(InternalHeaders.TENANT, TENANT).post("/api/v1/jobs/" + job.id() + "/cancel")
                .then().statusCode(202).body("state", equalTo("RUNNING")).body("cancelRequested", equalTo(true));

        assertThat(job.record().cancelRequested()).as("stored, for a worker that misses the message").isTrue();
        GetResponse announced = await(controlProbe);
        assertThat(mapper.readValue(announced.getBody(), ControlMessage.class))
                .isEqualTo(ControlMessage.cancel(TENANT, job.id()));
    }

    @Test
    void aFinishedJobCannotBeCancelled() {
        ScriptedJob job = aJob().running();
        job.appended(job.succeed());

        given().header(InternalHeaders.TENANT, TENANT).post("/api/v1/jobs/" + job.id() + "/cancel")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("/problems/job-not-cancellable"))
                .body("detail", org.hamcrest.Matchers.containsString("SUCCEEDED"));
    }

    @Test
    void aDeadJobRetriedByRequestIsQueuedAndPublishedAgain() throws Exception {
        ScriptedJob job = aJob().maxAttempts(1).running();
        job.appended(job.fail("boom", false));

        given().header(InternalHeaders.TENANT, TENANT).post("/api/v1/jobs/" + job.id() + "/retry")
                .then().statusCode(202).body("state", equalTo("QUEUED")).body("attemptsLeft", equalTo(1));

        JobMessage message = mapper.readValue(type.nextMessage(WAIT).getBody(), JobMessage.class);
        assertThat(message.jobId()).isEqualTo(job.id());
        assertThat(message.dispatch()).isEqualTo(2);
    }

    @Test
    void aRunningJobCannotBeRetried() {
        ScriptedJob job = aJob().running();

        given().header(InternalHeaders.TENANT, TENANT).post("/api/v1/jobs/" + job.id() + "/retry")
                .then().statusCode(409).body("type", equalTo("/problems/job-not-retryable"));
    }

    @Test
    void anotherTenantCanNeitherCancelNorRetry() {
        ScriptedJob job = aJob().create();

        given().header(InternalHeaders.TENANT, "intruder").post("/api/v1/jobs/" + job.id() + "/cancel")
                .then().statusCode(404);
        given().header(InternalHeaders.TENANT, "intruder").post("/api/v1/jobs/" + job.id() + "/retry")
                .then().statusCode(404);
        assertThat(job.record().state().name()).isEqualTo("QUEUED");
    }

    private GetResponse await(String queue) {
        return Awaitility.await("a message on " + queue).atMost(WAIT).pollInterval(Duration.ofMillis(25))
                .until(() -> channel.basicGet(queue, true), Objects::nonNull);
    }
}
