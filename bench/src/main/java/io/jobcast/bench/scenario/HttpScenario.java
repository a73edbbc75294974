package io.jobcast.bench.scenario;

import io.jobcast.bench.Http;
import io.jobcast.bench.JobcastApi;
import io.jobcast.bench.Net;
import io.jobcast.bench.Peers;
import io.jobcast.bench.Plan;
import io.jobcast.bench.Procs;
import io.jobcast.bench.results.HttpResults;
import io.jobcast.bench.results.HttpResults.HttpLoad;
import java.util.List;
import java.util.Map;

/** The HTTP ceiling: 304 short polls through the gateway against a hello world on bare Vert.x, the framework under Quarkus. */
final class HttpScenario {

    /** Keep-alive connections, each sending its next request when the previous answer arrived. */
    static final int CONNECTIONS = 32;

    private final Suite suite;
    private final Plan plan;

    HttpScenario(Suite suite, Plan plan) {
        this.suite = suite;
        this.plan = plan;
    }

    HttpResults run(int run) throws Exception {
        Suite.say("HTTP: short polls through the gateway, and a hello world on bare Vert.x");
        PolledJob job = pollableJob();
        HttpLoad jobcast = null;
        HttpLoad hello = null;
        for (String system : Suite.rotate(List.of("jobcast", "limit"), run)) {
            if (system.equals("jobcast")) {
                Procs.Meter meter = new Procs.Meter(suite.suitePids());
                jobcast = shortPolls(job, plan.httpSeconds()).withCpu(meter.stop());
            } else {
                try (Peers.Proc bare = suite.startBare()) {
                    Procs.Meter meter = new Procs.Meter(Map.of("bare-server", bare.pid()));
                    hello = Http.load(suite.net, Net.Endpoint.direct(suite.barePort, "bench"), "/hello", Map.of(),
                            CONNECTIONS, plan.httpSeconds()).withCpu(meter.stop());
                }
            }
        }
        System.out.printf("    gateway %8.0f req/s (304 short polls), hello world %8.0f req/s%n",
                jobcast.requestsPerSec(), hello.requestsPerSec());
        return new HttpResults(jobcast, hello);
    }

    /** A finished job and its ETag: polled with it, every answer is a 304. */
    record PolledJob(String id, String etag) {
    }

    PolledJob pollableJob() throws InterruptedException {
        String id = suite.api.submit(JobcastApi.job("demo.noop", null, "http-probe"));
        Thread.sleep(1000);
        return new PolledJob(id, "\"" + JobcastApi.await(suite.api.get("/api/v1/jobs/" + id)).path("lastSeq").asText() + "\"");
    }

    /** Polls of the job for {@code seconds}, through the gateway. */
    HttpLoad shortPolls(PolledJob job, int seconds) throws InterruptedException {
        return Http.load(suite.net, suite.api.gateway, "/api/v1/jobs/" + job.id(), Map.of("If-None-Match", job.etag()),
                CONNECTIONS, seconds);
    }
}
