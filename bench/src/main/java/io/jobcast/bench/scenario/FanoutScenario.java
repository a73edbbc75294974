package io.jobcast.bench.scenario;

import io.jobcast.bench.Fanout;
import io.jobcast.bench.Latency;
import io.jobcast.bench.Peers;
import io.jobcast.bench.Plan;
import io.jobcast.bench.results.FanoutResult;
import io.jobcast.bench.results.FanoutSystems;
import java.util.List;
import java.util.Map;

/**
 * Scenarios 3 and 4 at one subscriber count: the ramp and the reconnect storm on Jobcast (its
 * tickers through the whole path, with progress-service's own readings per step), Socket.IO and the
 * bare server (their own generators), in an order that rotates from run to run.
 */
final class FanoutScenario {

    private final Suite suite;
    private final Plan plan;

    FanoutScenario(Suite suite, Plan plan) {
        this.suite = suite;
        this.plan = plan;
    }

    FanoutSystems run(int run, int clients) throws Exception {
        Suite.say("Fan-out: " + clients + " subscribers");
        Fanout.Plan fanoutPlan = new Fanout.Plan(clients, 0.5, plan.eventRates(), plan.settleSeconds(),
                plan.measureSeconds(), true, 0.2);
        FanoutResult jobcast = null;
        FanoutResult socketIo = null;
        FanoutResult bare = null;
        for (String system : Suite.rotate(List.of("jobcast", "socketio", "bare"), run)) {
            switch (system) {
                case "jobcast" -> {
                    String tag = "fan-" + run + "-" + clients + "-" + System.nanoTime();
                    jobcast = Fanout.run(suite.classpath, suite.logs(),
                            new Fanout.Target("jobcast", "jobcast", suite.progressPort, tag, suite.api.headTseq(),
                                    Fanout.tickers(suite.api, tag), suite.pid("progress-service"), suite.suitePids(),
                                    ProgressMetrics.fanoutProbe(suite)), fanoutPlan);
                }
                case "socketio" -> {
                    try (Peers.Proc sio = suite.startNode("sio-server.mjs", "--port", Integer.toString(suite.sioPort))) {
                        sio.awaitLog("ready", 30);
                        socketIo = Fanout.run(suite.classpath, suite.logs(),
                                new Fanout.Target("socketio", "sio", suite.sioPort, "fan", 0,
                                        Fanout.generator(suite.net, suite.sioPort, "fan"), sio.pid(),
                                        Map.of("socketio-server", sio.pid())), fanoutPlan);
                    }
                }
                default -> {
                    try (Peers.Proc server = suite.startBare()) {
                        bare = Fanout.run(suite.classpath, suite.logs(),
                                new Fanout.Target("bare", "bare", suite.barePort, "fan", Latency.head(suite.net, suite.barePort),
                                        Fanout.generator(suite.net, suite.barePort, "fan"), server.pid(),
                                        Map.of("bare-server", server.pid())), fanoutPlan);
                    }
                }
            }
        }
        return new FanoutSystems(jobcast, socketIo, bare);
    }
}
