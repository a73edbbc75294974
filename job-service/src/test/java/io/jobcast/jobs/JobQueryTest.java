package io.jobcast.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.InternalHeaders;
import io.jobcast.jobs.store.JobStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listing a tenant's jobs from the Redis indexes: filters, newest first, cursor pagination. */
@QuarkusTest
class JobQueryTest {

    @Inject
    JobStore store;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;

    /** A tenant of its own per test, so the listing holds exactly this test's jobs. */
    private final String tenant = "query-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<ScriptedJob> created = new ArrayList<>();

    @BeforeEach
    void createJobs() throws Exception {
        // Twelve jobs: every third tagged "eu", every fourth of type demo.cpu, the first two finished.
        Instant createdFrom = Instant.now();
        for (int i = 0; i < 12; i++) {
            ScriptedJob.Builder job = ScriptedJob.aJob(tenant, i % 4 == 0 ? "demo.cpu" : "demo.sleep", store, redis, mapper)
                    .createdAt(createdFrom.plusMillis(i)); // distinct creation times, as real submissions mostly have
            if (i % 3 == 0) {
                job.tags("eu");
            }
            ScriptedJob made = i < 2 ? job.running() : job.create();
            if (i < 2) {
                made.appended(made.succeed());
            }
            created.add(made);
        }
    }

    @Test
    void listsNewestFirstAPageAtATimeEachJobOnce() throws Exception {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().header(InternalHeaders.TENANT, tenant).queryParam("limit", 5);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonNode page = mapper.readTree(request.get("/api/v1/jobs").then().statusCode(200).extract().asString());
            page.path("jobs").forEach(job -> seen.add(job.path("id").asText()));
            assertThat(page.path("jobs").get(0).has("payload")).as("lists leave payloads out").isFalse();
            cursor = page.path("next").isNull() ? null : page.path("next").asText();
            pages++;
        } while (cursor != null && pages < 10);

        List<String> newestFirst = new ArrayList<>(created.stream().map(ScriptedJob::id).toList());
        java.util.Collections.reverse(newestFirst);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void filtersByStateTypeTagAndTimeTogether() throws Exception {
        assertThat(ids("state=SUCCEEDED")).containsExactlyInAnyOrder(created.get(0).id(), created.get(1).id());
        assertThat(ids("type=demo.cpu")).containsExactlyInAnyOrder(created.get(0).id(), created.get(4).id(),
                created.get(8).id());
        assertThat(ids("tag=eu&type=demo.cpu")).containsExactlyInAnyOrder(created.get(0).id());
        assertThat(ids("tag=eu&state=queued")).containsExactlyInAnyOrder(created.get(3).id(), created.get(6).id(),
                created.get(9).id());
        String from = created.get(10).record().createdAt().toString();
        assertThat(ids("from=" + from)).containsExactlyInAnyOrder(created.get(10).id(), created.get(11).id());
    }

    @Test
    void badParametersAreNamed() {
        for (String query : new String[] {"state=LOST", "limit=0", "limit=many", "cursor=%%%", "from=yesterday",
                "type=Bad!", "tag=not ok"}) {
            given().header(InternalHeaders.TENANT, tenant).get("/api/v1/jobs?" + query)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo(query.substring(0, query.indexOf('='))));
        }
    }

    @Test
    void anotherTenantSeesNoneOfThem() throws Exception {
        assertThat(mapper.readTree(given().header(InternalHeaders.TENANT, tenant + "-other").get("/api/v1/jobs")
                .then().statusCode(200).extract().asString()).path("jobs")).isEmpty();
    }

    private List<String> ids(String query) throws Exception {
        JsonNode page = mapper.readTree(given().header(InternalHeaders.TENANT, tenant).get("/api/v1/jobs?limit=100&" + query)
                .then().statusCode(200).extract().asString());
        List<String> ids = new ArrayList<>();
        page.path("jobs").forEach(job -> ids.add(job.path("id").asText()));
        assertThat(page.path("next").isNull()).isTrue();
        return ids;
    }
}
