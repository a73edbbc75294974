package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API description as the gateway serves it agrees with the gateway: every operation it lists is
 * a route the gateway serves (and guards), and Swagger UI shows it.
 */
@Order(8)
@ExtendWith(RunningSuite.class)
class ApiDescriptionTest {

    @Test
    void everyDescribedOperationIsAGuardedRouteOfTheGateway() throws Exception {
        HttpResponse<String> served = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/openapi.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).isEqualTo(200);
        JsonNode document = MAPPER.readTree(served.body());

        List<String> unguarded = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            String uri = path.getKey().replace("{id}", UUID.randomUUID().toString()).replace("{name}", "text")
                    .replace("{type}", "demo.sleep");
            try {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway(uri))
                        .timeout(Duration.ofSeconds(10)).method(method.toUpperCase(), HttpRequest.BodyPublishers.noBody())
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 401 || !answer.body().contains("\"requestId\"")) {
                    unguarded.add(method.toUpperCase() + " " + path.getKey() + " -> " + answer.statusCode());
                }
            } catch (Exception e) {
                unguarded.add(method.toUpperCase() + " " + path.getKey() + " -> " + e);
            }
        }));
        assertThat(document.path("paths").size()).isGreaterThanOrEqualTo(15);
        assertThat(unguarded).as("operations the gateway does not route, or routes without asking for a key").isEmpty();
    }

    @Test
    void swaggerUiShowsIt() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/q/swagger-ui/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");
    }
}
