package io.jobcast.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Of three progress-service replicas one is gone and one refuses: every stream, long poll and
 * WebSocket reaches the one that serves, and a replica that dies under a WebSocket closes it with
 * 1012, which tells the client to reconnect and resume.
 */
@QuarkusTest
@QuarkusTestResource(value = ReplicaFakes.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "serving", value = "true"))
class ReplicaFailoverTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void everyRequestReachesTheReplicaThatServes() {
        ReplicaFakes.RECEIVED.clear();
        // Round robin starts each client at another replica: six clients start twice at each.
        for (int i = 0; i < 6; i++) {
            given().header("X-API-Key", GatewayTest.KEY).get("/api/v1/jobs/" + i + "/events").then().statusCode(202);
            given().header("X-API-Key", GatewayTest.KEY).get("/api/v1/jobs/" + i + "/progress").then().statusCode(202);
        }
        assertThat(ReplicaFakes.RECEIVED).filteredOn(seen -> seen.startsWith("serving")).hasSize(12);
        assertThat(ReplicaFakes.RECEIVED).as("the refusing replica was asked, and passed them on")
                .anyMatch(seen -> seen.startsWith("refusing"));
    }

    @Test
    void aWebSocketReachesTheReplicaThatServesAndHears1012WhenItDies() throws Exception {
        for (int i = 0; i < 3; i++) {
            GatewayTest.Listener listener = new GatewayTest.Listener();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().header("X-API-Key", GatewayTest.KEY)
                    .buildAsync(URI.create(base.toString().replaceFirst("^http", "ws") + "api/v1/ws"), listener)
                    .get(5, TimeUnit.SECONDS);
            socket.sendText("hello", true).join(); // one send at a time, as java.net.http requires
            socket.sendText("die", true).join();

            assertThat(listener.closed.get(5, TimeUnit.SECONDS))
                    .isEqualTo("1012 progress-service went away: reconnect and resume");
            assertThat(listener.texts).containsExactly("served:hello");
        }
    }
}
