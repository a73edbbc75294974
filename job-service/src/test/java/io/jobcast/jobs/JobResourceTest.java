package io.jobcast.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.jobcast.api.EventLog;
import io.jobcast.api.InternalHeaders;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The job API of job-service against real Redis and RabbitMQ. */
@QuarkusTest
class JobResourceTest {

    /** A job type of this test alone, so its messages can be read from a queue of its own. */
    private final String type = "test.resource-" + UUID.randomUUID().toString().substring(0, 8);

    @Inject
    RedisDataSource redis;
    @ConfigProperty(name = "rabbitmq-host")
    String rabbitHost;
    @ConfigProperty(name = "rabbitmq-port")
    int rabbitPort;
    @ConfigProperty(name = "jobcast.jobs.exchange")
    String jobsExchange;

    private Connection connection;
    private Channel channel;
    private String probeQueue;

    @BeforeEach
    void registerTypeAndListen() throws Exception {
        redis.hash(String.class).hset(EventLog.JOB_TYPES_KEY, type, "{\"description\":\"test\"}");
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(rabbitHost);
        factory.setPort(rabbitPort);
        connection = factory.newConnection();
        channel = connection.createChannel();
        probeQueue = channel.queueDeclare().getQueue();
        channel.queueBind(probeQueue, jobsExchange, type);
    }

    @AfterEach
    void cleanUp() throws Exception {
        redis.hash(String.class).hdel(EventLog.JOB_TYPES_KEY, type);
        connection.close();
    }

    @Test
    void acceptsAJobOnlyAfterItIsStoredAndPublishedPersistently() throws Exception {
        String id = given().header(InternalHeaders.TENANT, "acme").contentType("application/json")
                .body("{\"type\":\"" + type + "\",\"payload\":{\"n\":1}}")
                .when().post("/api/v1/jobs")
                .then().statusCode(202)
                .header("Location", startsWith("/api/v1/jobs/"))
                .body("state", equalTo("QUEUED"))
                .body("attempt", equalTo(0))
                .body("maxAttempts", equalTo(3))
                .body("lastSeq", equalTo(1))
                .extract().path("id");
        given().header(InternalHeaders.TENANT, "acme").get("/api/v1/jobs/" + id)
                .then().body("links.events", equalTo("/api/v1/jobs/" + id + "/events"));

        GetResponse delivery = channel.basicGet(probeQueue, true);
        assertThat(delivery).as("the job message is on the broker when 202 is answered").isNotNull();
        assertThat(delivery.getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(new String(delivery.getBody(), StandardCharsets.UTF_8))
                .contains("\"jobId\":\"" + id + "\"", "\"tenant\":\"acme\"", "\"payload\":{\"n\":1}");
        given().header(InternalHeaders.TENANT, "acme").get("/api/v1/jobs/" + id)
                .then().statusCode(200).body("id", equalTo(id)).body("payload.n", equalTo(1));
    }

    @Test
    void anUnchangedJobCostsA304WhenPolledWithItsEtag() {
        String id = given().header(InternalHeaders.TENANT, "acme").contentType("application/json")
                .body("{\"type\":\"" + type + "\"}").post("/api/v1/jobs").then().statusCode(202).extract().path("id");
        String etag = given().header(InternalHeaders.TENANT, "acme").get("/api/v1/jobs/" + id)
                .then().statusCode(200).header("Cache-Control", "no-cache").extract().header("ETag");

        given().header(InternalHeaders.TENANT, "acme").header("If-None-Match", etag).get("/api/v1/jobs/" + id)
                .then().statusCode(304).header("ETag", etag);
        redis.execute("HINCRBY", EventLog.recordKey("acme", id), "seq", "1"); // what any new event does
        given().header(InternalHeaders.TENANT, "acme").header("If-None-Match", etag).get("/api/v1/jobs/" + id)
                .then().statusCode(200).header("ETag", "\"2\"");
    }

    @Test
    void anotherTenantCannotSeeTheJob() {
        String id = given().header(InternalHeaders.TENANT, "acme").contentType("application/json")
                .body("{\"type\":\"" + type + "\"}").post("/api/v1/jobs").then().statusCode(202).extract().path("id");

        given().header(InternalHeaders.TENANT, "globex").get("/api/v1/jobs/" + id)
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("/problems/job-not-found"));
    }

    @Test
    void refusesAnUnknownTypeAndStoresNothing() throws Exception {
        given().header(InternalHeaders.TENANT, "acme").contentType("application/json")
                .body("{\"type\":\"no.such-type\"}")
                .when().post("/api/v1/jobs")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("/problems/unknown-job-type"))
                .body("detail", org.hamcrest.Matchers.containsString(type));
        assertThat(channel.basicGet(probeQueue, true)).isNull();
    }

    @Test
    void listsEachInvalidField() {
        given().header(InternalHeaders.TENANT, "acme").contentType("application/json")
                .body("{\"type\":\"Bad Type!\",\"payload\":[1],\"maxAttempts\":0}")
                .when().post("/api/v1/jobs")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.contains("type", "payload", "maxAttempts"));
    }

    @Test
    void keepsTheTagsOfAJobAndRefusesBadOnes() {
        String id = given().header(InternalHeaders.TENANT, "acme").contentType("application/json")
                .body("{\"type\":\"" + type + "\",\"tags\":[\"invoices\",\"eu-west\"]}")
                .post("/api/v1/jobs").then().statusCode(202).extract().path("id");
        given().header(InternalHeaders.TENANT, "acme").get("/api/v1/jobs/" + id)
                .then().body("tags", org.hamcrest.Matchers.contains("invoices", "eu-west"));

        given().header(InternalHeaders.TENANT, "acme").contentType("application/json")
                .body("{\"type\":\"" + type + "\",\"tags\":[\"ok\",\"not ok!\"]}")
                .post("/api/v1/jobs").then().statusCode(400).body("errors[0].field", equalTo("tags[1]"));
    }

    @Test
    void namesAFieldOfTheWrongType() {
        given().header(InternalHeaders.TENANT, "acme").contentType("application/json")
                .body("{\"type\":\"" + type + "\",\"maxAttempts\":\"many\"}")
                .when().post("/api/v1/jobs")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("maxAttempts"))
                .body("errors[0].detail", equalTo("must be an integer"));
    }

    @Test
    void refusesABodyThatIsNotAnObject() {
        given().header(InternalHeaders.TENANT, "acme").contentType("application/json").body("[1,2]")
                .when().post("/api/v1/jobs")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("(body)"));
    }

    @Test
    void answersMalformedJsonWithAProblem() {
        given().header(InternalHeaders.TENANT, "acme").contentType("application/json").body("{\"type\": ")
                .when().post("/api/v1/jobs")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void unknownAndMalformedIdsAreNotFound() {
        for (String id : new String[] {UUID.randomUUID().toString(), "not-a-job", "..%2F..%2Fetc"}) {
            given().header(InternalHeaders.TENANT, "acme").get("/api/v1/jobs/" + id)
                    .then().statusCode(404).contentType("application/problem+json");
        }
    }

    @Test
    void requiresTheTenantHeader() {
        given().contentType("application/json").body("{\"type\":\"" + type + "\"}")
                .when().post("/api/v1/jobs")
                .then().statusCode(400).body("type", equalTo("/problems/missing-tenant"));
    }
}
