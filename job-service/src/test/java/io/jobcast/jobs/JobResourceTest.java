package io.jobcast.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import io.jobcast.api.InternalHeaders;
import io.jobcast.api.JobKeys;
import io.jobcast.api.JobMessage;
import io.jobcast.api.StreamToken;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Submitting jobs to job-service, with every submission option, against real Redis and RabbitMQ. */
@QuarkusTest
class JobResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;

    private TestType type;

    @BeforeEach
    void registerType() throws Exception {
        type = new TestType(redis);
    }

    @AfterEach
    void unregisterType() throws Exception {
        type.close();
    }

    private static RequestSpecification asAcme() {
        return given().header(InternalHeaders.TENANT, "acme").contentType("application/json");
    }

    @Test
    void acceptsAJobOnlyAfterItIsStoredAndPublishedPersistently() throws Exception {
        String id = asAcme().body("{\"type\":\"" + type.name + "\",\"payload\":{\"n\":1}}")
                .when().post("/api/v1/jobs")
                .then().statusCode(202)
                .header("Location", startsWith("/api/v1/jobs/"))
                .body("state", equalTo("QUEUED"))
                .body("attempt", equalTo(0))
                .body("maxAttempts", equalTo(3))
                .body("attemptsLeft", equalTo(3))
                .body("priority", equalTo(5))
                .body("lastSeq", equalTo(1))
                .extract().path("id");

        GetResponse delivery = type.nextMessage(Duration.ZERO);
        assertThat(delivery).as("the job message is on the broker when 202 is answered").isNotNull();
        assertThat(delivery.getProps().getDeliveryMode()).isEqualTo(2);
        JobMessage message = mapper.readValue(delivery.getBody(), JobMessage.class);
        assertThat(message.jobId()).isEqualTo(id);
        assertThat(message.dispatch()).isEqualTo(1);
        assertThat(message.payload()).isEqualTo(mapper.readTree("{\"n\":1}"));
        assertThat(type.queued()).as("the type's own queue holds it").isEqualTo(1);
        asAcme().get("/api/v1/jobs/" + id).then().statusCode(200).body("id", equalTo(id)).body("payload.n", equalTo(1))
                .body("links.events", equalTo("/api/v1/jobs/" + id + "/events"));
    }

    @Test
    void everyOptionOfASubmissionReachesTheRecordAndTheMessage() throws Exception {
        JsonNode job = body(asAcme().body("{\"type\":\"" + type.name + "\",\"priority\":8,\"maxAttempts\":4,"
                        + "\"timeout\":\"90s\",\"ttl\":\"PT2H\",\"backoff\":\"250ms\",\"backoffMax\":\"1m\","
                        + "\"tags\":[\"invoices\",\"eu-west\"]}")
                .post("/api/v1/jobs").then().statusCode(202).extract().asString());

        assertThat(job.path("priority").asInt()).isEqualTo(8);
        assertThat(job.path("maxAttempts").asInt()).isEqualTo(4);
        assertThat(job.path("timeout").asText()).isEqualTo("PT1M30S");
        assertThat(job.path("ttl").asText()).isEqualTo("PT2H");
        assertThat(job.path("tags").toString()).isEqualTo("[\"invoices\",\"eu-west\"]");
        GetResponse delivery = type.nextMessage(WAIT);
        assertThat(delivery.getProps().getPriority()).as("the broker priority").isEqualTo(8);
        JobMessage message = mapper.readValue(delivery.getBody(), JobMessage.class);
        assertThat(message.maxAttempts()).isEqualTo(4);
        assertThat(message.timeoutMs()).isEqualTo(90_000);
        assertThat(message.backoffMs()).isEqualTo(250);
        assertThat(message.backoffMaxMs()).isEqualTo(60_000);
        assertThat(message.tags()).containsExactly("invoices", "eu-west");
        assertThat(redis.hash(String.class).hget(JobKeys.record("acme", message.jobId()), "ttlMs")).isEqualTo("7200000");
    }

    @Test
    void higherPriorityJobsAreTakenFirstFromTheTypesQueue() throws Exception {
        for (int priority : new int[] {1, 9, 5}) {
            asAcme().body("{\"type\":\"" + type.name + "\",\"priority\":" + priority + "}").post("/api/v1/jobs")
                    .then().statusCode(202);
        }
        List<Integer> taken = new ArrayList<>();
        for (GetResponse next = type.takeFromQueue(); next != null; next = type.takeFromQueue()) {
            taken.add(mapper.readValue(next.getBody(), JobMessage.class).priority());
        }
        assertThat(taken).containsExactly(9, 5, 1);
    }

    @Test
    void aJobTypesRegisteredDefaultsApplyWhenTheSubmissionDoesNotSay() throws Exception {
        try (TestType withDefaults = new TestType(redis,
                "{\"type\":\"TYPE\",\"maxAttempts\":7,\"timeoutMs\":5000,\"backoffMs\":300,\"backoffMaxMs\":900}")) {
            asAcme().body("{\"type\":\"" + withDefaults.name + "\"}").post("/api/v1/jobs").then().statusCode(202)
                    .body("maxAttempts", equalTo(7)).body("timeout", equalTo("PT5S"));
            JobMessage message = mapper.readValue(withDefaults.nextMessage(WAIT).getBody(), JobMessage.class);
            assertThat(message.backoffMs()).isEqualTo(300);
            assertThat(message.backoffMaxMs()).isEqualTo(900);
        }
    }

    @Test
    void aDelayedJobIsScheduledAndPublishedWhenItsTimeComes() throws Exception {
        // A service's first answer can take seconds (connections, class loading): warm it, so the delay is not over
        // before the answer comes back.
        asAcme().body("{\"type\":\"" + type.name + "\"}").post("/api/v1/jobs").then().statusCode(202);
        assertThat(type.nextMessage(WAIT)).isNotNull();
        Instant before = Instant.now();
        Instant runAt = Instant.parse(asAcme().body("{\"type\":\"" + type.name + "\",\"delay\":\"1500ms\"}")
                .post("/api/v1/jobs").then().statusCode(202).body("state", equalTo("SCHEDULED")).extract().path("runAt"));
        assertThat(Instant.now()).as("answered before the job is due").isBefore(runAt);

        GetResponse delivery = type.nextMessage(Duration.ofSeconds(10));

        assertThat(delivery).isNotNull();
        assertThat(Instant.now()).as("published when due, not before").isAfterOrEqualTo(runAt);
        assertThat(Duration.between(before, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        String id = mapper.readValue(delivery.getBody(), JobMessage.class).jobId();
        asAcme().get("/api/v1/jobs/" + id).then().body("state", equalTo("QUEUED"));
    }

    @Test
    void aJobWithARunAtInThePastRunsAtOnce() throws Exception {
        asAcme().body("{\"type\":\"" + type.name + "\",\"runAt\":\"2020-01-01T00:00:00Z\"}").post("/api/v1/jobs")
                .then().statusCode(202).body("state", equalTo("QUEUED"));
        assertThat(type.nextMessage(WAIT)).isNotNull();
    }

    @Test
    void theSameIdempotencyKeyAndBodyReturnTheFirstJobAndAnotherBodyIsAConflict() throws Exception {
        String key = "order-" + UUID.randomUUID();
        String body = "{\"type\":\"" + type.name + "\",\"payload\":{\"order\":17,\"lines\":[1,2]}}";
        String first = asAcme().header("Idempotency-Key", key).body(body).post("/api/v1/jobs")
                .then().statusCode(202).extract().path("id");
        String reordered = "{\"payload\":{\"lines\":[1,2],\"order\":17},  \"type\":\"" + type.name + "\"}";

        asAcme().header("Idempotency-Key", key).body(reordered).post("/api/v1/jobs")
                .then().statusCode(202).header("Idempotent-Replayed", "true").body("id", equalTo(first));
        asAcme().header("Idempotency-Key", key).body("{\"type\":\"" + type.name + "\",\"payload\":{\"order\":18}}")
                .post("/api/v1/jobs").then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("/problems/idempotency-key-reused"));

        assertThat(type.nextJobs(WAIT, mapper)).extracting(JobMessage::jobId).containsExactly(first);
        assertNothingElseWasPublished(); // one job, published once
        given().header(InternalHeaders.TENANT, "globex").contentType("application/json").header("Idempotency-Key", key)
                .body(body).post("/api/v1/jobs").then().statusCode(202)
                .body("id", org.hamcrest.Matchers.not(equalTo(first)));
    }

    @Test
    void aBatchAnswersEachItemOnItsOwn() throws Exception {
        JsonNode answer = body(asAcme().body("{\"jobs\":[{\"type\":\"" + type.name + "\"},{\"type\":\"Bad!\"},"
                        + "{\"type\":\"" + type.name + "\",\"tags\":[\"b\"]},{\"type\":\"no.such-type\"}]}")
                .post("/api/v1/jobs:batch").then().statusCode(200).extract().asString());

        assertThat(answer.path("accepted").asInt()).isEqualTo(2);
        assertThat(answer.path("rejected").asInt()).isEqualTo(2);
        List<Integer> statuses = new ArrayList<>();
        answer.path("results").forEach(item -> statuses.add(item.path("status").asInt()));
        assertThat(statuses).containsExactly(202, 400, 202, 422);
        assertThat(answer.path("results").get(1).path("problem").path("errors").get(0).path("field").asText())
                .isEqualTo("jobs[1].type");
        assertThat(answer.path("results").get(2).path("job").path("tags").get(0).asText()).isEqualTo("b");
        assertThat(type.nextJobs(WAIT, mapper)).as("the accepted jobs, in one message").extracting(JobMessage::jobId)
                .containsExactly(answer.path("results").get(0).path("job").path("id").asText(),
                        answer.path("results").get(2).path("job").path("id").asText());
    }

    @Test
    void aBatchsJobsShareFewMessagesEachJobOnceAndAlreadyQueuedInTheLog() throws Exception {
        StringBuilder jobs = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < 50; i++) {
            jobs.append(i == 0 ? "" : ",").append("{\"type\":\"").append(type.name).append("\"}");
        }
        JsonNode answer = body(asAcme().header("Prefer", "return=minimal").body(jobs.append("]}").toString())
                .post("/api/v1/jobs:batch").then().statusCode(200).header("Preference-Applied", "return=minimal")
                .body("accepted", equalTo(50)).extract().asString());

        Set<String> accepted = new HashSet<>();
        answer.path("results").forEach(item -> {
            assertThat(item.has("job")).as("a minimal answer").isFalse();
            assertThat(item.path("lastSeq").asLong()).isEqualTo(1);
            accepted.add(item.path("id").asText());
        });
        List<String> dispatched = new ArrayList<>();
        int messages = 0;
        while (dispatched.size() < 50) {
            List<JobMessage> message = type.nextJobs(WAIT, mapper);
            assertThat(message).as("the next message of the batch").isNotEmpty();
            messages++;
            assertThat(message.size()).isLessThanOrEqualTo(10); // jobcast.job-service.jobs-per-message
            for (JobMessage job : message) {
                dispatched.add(job.jobId());
                assertThat(redis.hash(String.class).hget(JobKeys.record("acme", job.jobId()), JobKeys.eventField(1)))
                        .as("its QUEUED event is in its log before its message goes out").contains("\"state\":\"QUEUED\"");
            }
        }
        assertThat(dispatched).hasSize(50).doesNotHaveDuplicates();
        assertThat(Set.copyOf(dispatched)).isEqualTo(accepted);
        assertThat(messages).isEqualTo(5);
        assertNothingElseWasPublished();
    }

    @Test
    void aBatchTooLargeIsRefusedWhole() {
        StringBuilder jobs = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < 1001; i++) {
            jobs.append(i == 0 ? "" : ",").append("{\"type\":\"").append(type.name).append("\"}");
        }
        asAcme().body(jobs.append("]}").toString()).post("/api/v1/jobs:batch")
                .then().statusCode(413).body("type", equalTo("/problems/batch-too-large"));
    }

    @Test
    void anUnchangedJobCostsA304WhenPolledWithItsEtag() {
        String id = asAcme().body("{\"type\":\"" + type.name + "\"}").post("/api/v1/jobs")
                .then().statusCode(202).extract().path("id");
        String etag = asAcme().get("/api/v1/jobs/" + id)
                .then().statusCode(200).header("Cache-Control", "no-cache").extract().header("ETag");

        asAcme().header("If-None-Match", etag).get("/api/v1/jobs/" + id).then().statusCode(304).header("ETag", etag);
        redis.execute("HINCRBY", JobKeys.record("acme", id), "seq", "1"); // what any new event does
        asAcme().header("If-None-Match", etag).get("/api/v1/jobs/" + id).then().statusCode(200).header("ETag", "\"2\"");
    }

    @Test
    void anotherTenantCannotSeeTheJob() {
        String id = asAcme().body("{\"type\":\"" + type.name + "\"}").post("/api/v1/jobs")
                .then().statusCode(202).extract().path("id");

        given().header(InternalHeaders.TENANT, "globex").get("/api/v1/jobs/" + id)
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("/problems/job-not-found"));
    }

    @Test
    void refusesAnUnknownTypeAndStoresNothing() throws Exception {
        asAcme().body("{\"type\":\"no.such-type\"}").when().post("/api/v1/jobs")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("/problems/unknown-job-type"))
                .body("detail", containsString(type.name));
        assertNothingElseWasPublished();
    }

    @Test
    void listsEachInvalidFieldAndChangesNothing() throws Exception {
        asAcme().body("{\"type\":\"Bad Type!\",\"payload\":[1],\"maxAttempts\":0,\"priority\":10,\"delay\":5,"
                        + "\"runAt\":\"tomorrow\",\"timeout\":\"soon\",\"ttl\":\"0s\",\"backoff\":\"2m\",\"backoffMax\":\"1m\","
                        + "\"tags\":[\"ok\",\"not ok!\"],\"maxAttempt\":3}")
                .when().post("/api/v1/jobs")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains("maxAttempt", "type", "payload", "priority", "runAt", "delay",
                        "maxAttempts", "timeout", "ttl", "backoffMax", "tags[1]"))
                .body("errors.find { it.field == 'maxAttempt' }.detail", containsString("not a field"))
                .body("errors.find { it.field == 'delay' }.detail", containsString("\"30s\""));
        assertNothingElseWasPublished();
    }

    @Test
    void delayAndRunAtCannotBothBeGiven() {
        asAcme().body("{\"type\":\"" + type.name + "\",\"delay\":\"1s\",\"runAt\":\"2030-01-01T00:00:00Z\"}")
                .post("/api/v1/jobs").then().statusCode(400).body("errors[0].field", equalTo("delay"));
    }

    @Test
    void refusesABodyThatIsNotAnObjectAndABadIdempotencyKey() {
        asAcme().body("[1,2]").post("/api/v1/jobs")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("(body)"));
        asAcme().header("Idempotency-Key", "has spaces").body("{\"type\":\"" + type.name + "\"}").post("/api/v1/jobs")
                .then().statusCode(400).body("errors[0].field", equalTo("Idempotency-Key"));
    }

    @Test
    void answersTheWrongContentTypeWith415AndTheWrongMethodWith405() {
        given().header(InternalHeaders.TENANT, "acme").contentType("text/plain").body("type=demo.sleep")
                .post("/api/v1/jobs").then().statusCode(415).contentType("application/problem+json");
        asAcme().put("/api/v1/jobs").then().statusCode(405).contentType("application/problem+json");
    }

    @Test
    void answersMalformedJsonWithAProblem() {
        asAcme().body("{\"type\": ").when().post("/api/v1/jobs")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("title", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void unknownAndMalformedIdsAreNotFound() {
        for (String id : new String[] {UUID.randomUUID().toString(), "not-a-job", "..%2F..%2Fetc"}) {
            asAcme().get("/api/v1/jobs/" + id).then().statusCode(404).contentType("application/problem+json");
            asAcme().post("/api/v1/jobs/" + id + "/cancel").then().statusCode(404);
            asAcme().post("/api/v1/jobs/" + id + "/retry").then().statusCode(404);
        }
    }

    @Test
    void requiresTheTenantHeader() {
        given().contentType("application/json").body("{\"type\":\"" + type.name + "\"}")
                .when().post("/api/v1/jobs")
                .then().statusCode(400).body("type", equalTo("/problems/missing-tenant"));
    }

    @Test
    void aPayloadOverItsLimitIsRefusedWith413AndChangesNothing() throws Exception {
        String big = "x".repeat(300_000);
        asAcme().body("{\"type\":\"" + type.name + "\",\"payload\":{\"text\":\"" + big + "\"}}").post("/api/v1/jobs")
                .then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("/problems/payload-too-large")).body("errors[0].field", equalTo("payload"));
        asAcme().body("{\"jobs\":[{\"type\":\"" + type.name + "\"},{\"type\":\"" + type.name + "\",\"payload\":{\"t\":\""
                        + big + "\"}}]}").post("/api/v1/jobs:batch")
                .then().statusCode(200).body("accepted", equalTo(1)).body("results[1].status", equalTo(413))
                .body("results[1].problem.errors[0].field", equalTo("jobs[1].payload"));
        assertThat(type.nextMessage(WAIT)).isNotNull();
        assertNothingElseWasPublished(); // only the small job was
    }

    /**
     * Submits a job and checks that its message is the next one of the type: whatever was asked
     * before it and answered published nothing more (publishing comes before the answer).
     */
    private void assertNothingElseWasPublished() throws Exception {
        String sentinel = asAcme().body("{\"type\":\"" + type.name + "\"}").post("/api/v1/jobs")
                .then().statusCode(202).extract().path("id");
        assertThat(type.nextJobs(WAIT, mapper)).as("the next message: a job submitted afterwards")
                .extracting(JobMessage::jobId).containsExactly(sentinel);
    }

    @Test
    void everyProblemNamesTheRequestItAnswers() {
        asAcme().header("X-Request-Id", "req-0123456789").body("{\"type\":\"Bad!\"}").post("/api/v1/jobs")
                .then().statusCode(400).body("requestId", equalTo("req-0123456789"));
        asAcme().header("X-Request-Id", "req-9876543210").get("/api/v1/jobs/" + UUID.randomUUID())
                .then().statusCode(404).body("requestId", equalTo("req-9876543210"));
    }

    @Test
    void issuesStreamTokensSignedWithTheSharedSecret() throws Exception {
        String id = asAcme().body("{\"type\":\"" + type.name + "\"}").post("/api/v1/jobs").then().statusCode(202)
                .extract().path("id");

        JsonNode issued = body(asAcme().body("{\"jobs\":[\"" + id + "\"],\"ttl\":\"2m\"}").post("/api/v1/stream-tokens")
                .then().statusCode(201).extract().asString());

        byte[] secret = java.util.Base64.getDecoder().decode(redis.value(String.class).get(JobKeys.STREAM_TOKEN_SECRET));
        StreamToken token = StreamToken.verify(issued.path("token").asText(), secret, Instant.now()).orElseThrow();
        assertThat(token.tenant()).isEqualTo("acme");
        assertThat(token.jobs()).containsExactly(id);
        assertThat(token.expires()).isBetween(Instant.now().plusSeconds(100), Instant.now().plusSeconds(121));
        asAcme().post("/api/v1/stream-tokens").then().statusCode(201).body("jobs", org.hamcrest.Matchers.empty());
        asAcme().body("{\"jobs\":[\"nope\"],\"ttl\":\"2d\"}").post("/api/v1/stream-tokens")
                .then().statusCode(400).body("errors.field", contains("jobs[0]", "ttl"));
    }

    @Test
    void aShareLinkOpensOneJobsPage() {
        String id = asAcme().body("{\"type\":\"" + type.name + "\"}").post("/api/v1/jobs").then().statusCode(202)
                .extract().path("id");

        asAcme().post("/api/v1/jobs/" + id + "/share").then().statusCode(201)
                .body("url", startsWith("/jobs/" + id + "?token=st1.acme." + id + "."))
                .body("jobs", contains(id));
        given().header(InternalHeaders.TENANT, "globex").post("/api/v1/jobs/" + id + "/share").then().statusCode(404);
    }

    @Test
    void listsTheJobTypesWorkersRegistered() {
        asAcme().get("/api/v1/job-types").then().statusCode(200).body("type", hasItem(type.name));
    }

    private JsonNode body(String json) throws Exception {
        return mapper.readTree(json);
    }
}
