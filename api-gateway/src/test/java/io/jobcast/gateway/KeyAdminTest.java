package io.jobcast.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.jobcast.gateway.admin.KeyAdminRoutes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin API makes, lists and revokes API keys, for the holder of the admin credential only. */
@QuarkusTest
@QuarkusTestResource(value = FakeServices.class, restrictToAnnotatedClass = true)
@TestProfile(KeyAdminTest.WithAdminKey.class)
class KeyAdminTest {

    static final String ADMIN = "adm_test_9f2c4e7a1b";
    static final String KEYS = KeyAdminRoutes.KEYS;

    @Test
    void aKeyIsMadeListedUsedAndRevoked() {
        String tenant = "admin-test-" + System.nanoTime();
        Response made = admin().contentType("application/json")
                .body("{\"tenant\":\"" + tenant + "\",\"name\":\"ci runner\"}").post(KEYS);
        made.then().statusCode(201).header("Cache-Control", "no-store")
                .body("key", startsWith("jc_")).body("id", matchesPattern("[0-9a-f]{12}"))
                .body("tenant", equalTo(tenant)).body("name", equalTo("ci runner"));
        String key = made.path("key");
        String id = made.path("id");
        assertThat(made.header("Location")).isEqualTo(KEYS + "/" + id);

        given().header("X-API-Key", key).get("/api/v1/queues").then().statusCode(202);
        Response listed = admin().get(KEYS);
        listed.then().statusCode(200).body("keys.id", hasItem(id))
                .body("keys.find { it.id == '" + id + "' }.tenant", equalTo(tenant));
        assertThat(listed.asString()).as("a listing never shows a key").doesNotContain(key);

        admin().delete(KEYS + "/" + id).then().statusCode(204);
        // The gateway that revoked the key refuses it at once; others within ApiKeys.CACHED.
        given().header("X-API-Key", key).get("/api/v1/queues").then().statusCode(401)
                .body("type", equalTo("/problems/unauthorized"));
        admin().get(KEYS).then().statusCode(200).body("keys.id", not(hasItem(id)));
        admin().delete(KEYS + "/" + id).then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("/problems/api-key-not-found"));
    }

    @Test
    void withoutTheAdminCredentialNothingIsShownOrChanged() {
        for (String authorization : new String[] {null, "Bearer wrong", "Basic " + ADMIN, "Bearer " + GatewayTest.KEY}) {
            RequestSpecification request = given().contentType("application/json");
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            request.get(KEYS).then().statusCode(401).contentType("application/problem+json")
                    .body("type", equalTo("/problems/admin-unauthorized"));
            request.body("{\"tenant\":\"intruder\"}").post(KEYS).then().statusCode(401);
            request.delete(KEYS + "/0123456789ab").then().statusCode(401);
        }
        // The sentinel: the credential itself opens it, and no intruder's key was made.
        admin().get(KEYS).then().statusCode(200).body("keys.tenant", not(hasItem("intruder")));
    }

    @Test
    void badRequestsAreProblemsNamingWhatIsWrong() {
        admin().contentType("application/json").body("{\"tenant\":\"Not A Tenant\",\"name\":\"x\\ny\"}").post(KEYS)
                .then().statusCode(400).body("type", equalTo("/problems/invalid-request"))
                .body("errors.field", contains("tenant", "name"));
        admin().contentType("application/json").body("{\"tenant\":").post(KEYS)
                .then().statusCode(400).body("type", equalTo("/problems/malformed-json"));
        admin().delete(KEYS + "/not-hex").then().statusCode(400).body("errors[0].field", equalTo("id"));
        admin().get("/admin/v1/nothing-here").then().statusCode(404).body("type", equalTo("/problems/no-such-endpoint"));
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN);
    }

    public static class WithAdminKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobcast.gateway.admin-key", ADMIN);
        }
    }
}
