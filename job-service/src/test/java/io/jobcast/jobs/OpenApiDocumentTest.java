package io.jobcast.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The generated API description: every public route (the gateway's, whoever serves it behind),
 * each with its errors as problems; and the snapshot the web UI generates its typed client from
 * must be this very document.
 */
@QuarkusTest
class OpenApiDocumentTest {

    /** The public API, as the README's table lists it. */
    static final List<String> PUBLIC_ROUTES = List.of(
            "POST /api/v1/jobs", "POST /api/v1/jobs:batch", "POST /api/v1/flows", "POST /api/v1/flows/{id}/children",
            "GET /api/v1/jobs", "GET /api/v1/jobs/{id}",
            "POST /api/v1/jobs/{id}/cancel", "POST /api/v1/jobs/{id}/retry", "POST /api/v1/jobs/{id}/share",
            "GET /api/v1/jobs/{id}/events", "GET /api/v1/jobs/{id}/progress", "GET /api/v1/jobs/{id}/progress.html",
            "GET /api/v1/jobs/{id}/outputs", "GET /api/v1/jobs/{id}/output/{name}",
            "GET /jobs/{id}", "GET /api/v1/events", "GET /api/v1/ws", "POST /api/v1/stream-tokens",
            "GET /api/v1/job-types", "GET /api/v1/workers", "GET /api/v1/queues",
            "GET /api/v1/limits", "PUT /api/v1/limits/tenant", "PUT /api/v1/limits/types/{type}",
            "POST /api/v1/queues/{type}/pause", "POST /api/v1/queues/{type}/resume", "POST /api/v1/pause", "POST /api/v1/resume");

    /** Where the web UI reads the document from (its build generates the API's types from it). */
    static final Path SNAPSHOT = Path.of("../web-ui/src/api/openapi.json");

    @Inject
    ObjectMapper mapper;

    @Test
    void describesEveryPublicRouteAndNothingElse() throws Exception {
        JsonNode document = document();
        List<String> described = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (List.of("get", "post", "put", "delete", "patch").contains(method)) {
                described.add(method.toUpperCase() + " " + path.getKey());
            }
        }));

        assertThat(described).containsExactlyInAnyOrderElementsOf(PUBLIC_ROUTES);
    }

    @Test
    void everyOperationIsNamedDescribedAndAnswersItsErrorsWithProblems() throws Exception {
        JsonNode document = document();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            String name = operation.getKey().toUpperCase() + " " + path.getKey();
            JsonNode responses = operation.getValue().path("responses");
            assertThat(operation.getValue().path("operationId").asText()).as(name).isNotBlank();
            assertThat(operation.getValue().path("summary").asText()).as(name).isNotBlank();
            assertThat(responses.has("401")).as("%s documents 401", name).isTrue();
            responses.fields().forEachRemaining(response -> {
                if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                    String ref = response.getValue().path("$ref").asText();
                    JsonNode resolved = ref.isEmpty() ? response.getValue()
                            : document.at("/components/responses/" + ref.substring(ref.lastIndexOf('/') + 1));
                    assertThat(resolved.path("content").has("application/problem+json"))
                            .as("%s %s is a problem", name, response.getKey()).isTrue();
                }
            });
        }));
        assertThat(document.at("/components/securitySchemes").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("apiKey", "bearer", "streamToken");
        assertThat(document.at("/components/schemas/JobSubmission/properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("type", "payload", "priority", "runAt", "delay", "maxAttempts", "timeout",
                        "ttl", "backoff", "backoffMax", "tags", "onComplete", "concurrencyKey");
    }

    /** The document's Duration schema takes exactly what the API takes, and its example is one. */
    @Test
    void theDurationSchemaMatchesTheParser() throws Exception {
        JsonNode duration = document().at("/components/schemas/Duration");
        Pattern pattern = Pattern.compile(duration.path("pattern").asText());
        assertThat(duration.has("format")).as("format \"duration\" would admit ISO-8601 only").isFalse();
        assertThat(pattern.matcher(duration.path("example").asText()).find()).isTrue();
        for (String text : List.of("30s", "250ms", "5m", "2h", "1d", "0s", "999999999999ms", "PT30S", "pt1.5s", "P1D",
                "P1DT2H3M4.123456789S", "-PT5S", "PT-5S", "P2DT", "30", "s", "30 s", "30S", "1w", "PT", "P", "P1H",
                "1000000000000ms", "PT1.1234567890S", "PT1,5S", "PT1.S", "P-1D", "+P1D", "")) {
            assertThat(pattern.matcher(text).find()).as(text).isEqualTo(Durations.parse(text) != null);
        }
    }

    @Test
    void theWebUisSnapshotIsThisDocument() throws Exception {
        String current = canonical(document());
        Path fresh = Path.of("target/openapi.json");
        Files.writeString(fresh, current);
        assertThat(Files.exists(SNAPSHOT) ? Files.readString(SNAPSHOT) : "")
                .as("web-ui/src/api/openapi.json is out of date; ./jobcast openapi refreshes it from %s", fresh)
                .isEqualTo(current);
    }

    private JsonNode document() throws Exception {
        return mapper.readTree(given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
    }

    /** Keys sorted, two-space indent, a final newline: stable across runs and readable in diffs. */
    private String canonical(JsonNode document) throws Exception {
        ObjectMapper sorted = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(SerializationFeature.INDENT_OUTPUT);
        return sorted.writeValueAsString(sorted.treeToValue(document, Map.class)) + "\n";
    }

}
