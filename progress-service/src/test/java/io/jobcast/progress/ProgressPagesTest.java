package io.jobcast.progress;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.jobcast.api.InternalHeaders;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server-rendered progress fragment and the page that works without JavaScript. */
@QuarkusTest
class ProgressPagesTest {

    @Inject
    JobDrivers drivers;

    private JobDriver job;

    @BeforeEach
    void runningJob() throws Exception {
        job = drivers.forTenant("acme").queued().running().progress(40);
    }

    @AfterEach
    void closeDriver() throws Exception {
        job.close();
    }

    @Test
    void fragmentShowsTheProgressBarOfTheJob() {
        given().header(InternalHeaders.TENANT, "acme").get("/api/v1/jobs/" + job.jobId + "/progress.html")
                .then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<progress id=\"jobcast-progress-" + job.jobId + "\" max=\"100\" value=\"40\">"))
                .body(containsString("data-state=\"RUNNING\""))
                .body(containsString("RUNNING 40"));
    }

    @Test
    void pageRefreshesItselfUntilTheJobEnds() throws Exception {
        given().header(InternalHeaders.TENANT, "acme").get("/jobs/" + job.jobId)
                .then().statusCode(200).body(containsString("<meta http-equiv=\"refresh\" content=\"2\">"));

        job.succeeded();

        given().header(InternalHeaders.TENANT, "acme").get("/jobs/" + job.jobId)
                .then().statusCode(200)
                .body(containsString("value=\"100\""), containsString("SUCCEEDED"), not(containsString("http-equiv")));
    }

    @Test
    void anotherTenantsJobIsNotFound() {
        given().header(InternalHeaders.TENANT, "globex").get("/api/v1/jobs/" + job.jobId + "/progress.html")
                .then().statusCode(404).contentType("application/problem+json");
        given().header(InternalHeaders.TENANT, "acme").get("/jobs/not-a-job")
                .then().statusCode(404).contentType("application/problem+json");
    }
}
