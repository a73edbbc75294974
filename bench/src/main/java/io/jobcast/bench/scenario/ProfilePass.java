package io.jobcast.bench.scenario;

import io.jobcast.bench.Fanout;
import io.jobcast.bench.Latency;
import io.jobcast.bench.Plan;
import io.jobcast.bench.Procs;
import io.jobcast.bench.Profiler;
import io.jobcast.bench.Throughput;
import io.jobcast.bench.results.FanoutResult;
import io.jobcast.bench.results.FanoutSystems;
import io.jobcast.bench.results.JfrSummary;
import io.jobcast.bench.results.Profiles;
import io.jobcast.bench.results.RunResult;
import io.jobcast.bench.results.ThroughputResults;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Jobcast once more, each scenario shortly, with JFR on its services: after the measured runs,
 * so that the recordings' own cost (stack walks on every park of a thread) touches no number
 * of the tables.
 */
final class ProfilePass {

    private final Suite suite;
    private final Plan plan;
    private final Predicate<String> wanted;

    ProfilePass(Suite suite, Plan plan, Predicate<String> wanted) {
        this.suite = suite;
        this.plan = plan;
        this.wanted = wanted;
    }

    /** {@code firstRun} (null if there was none) says where Jobcast's fan-out first failed: the load to profile. */
    Profiles run(RunResult firstRun) throws Exception {
        Suite.say("Profiles: Jobcast again, each scenario shortly, with JFR (not in the tables' numbers)");
        Profiles.Throughput throughput = wanted.test("throughput") ? throughput() : null;
        Profiles.Recording latency = wanted.test("latency") ? latency() : null;
        Profiles.Fanout fanout = wanted.test("fanout") && !plan.fanoutClients().isEmpty() ? fanout(firstRun) : null;
        Profiles.Recording http = wanted.test("http") ? http() : null;
        return new Profiles(throughput, latency, fanout, http);
    }

    private Profiles.Throughput throughput() throws Exception {
        Profiler profiler = new Profiler(suite.work, suite.javaServicePids());
        profiler.start("throughput");
        Procs.Meter meter = new Procs.Meter(suite.suitePids());
        Procs.ThreadMeter threads = new Procs.ThreadMeter(suite.javaServicePids());
        ThroughputResults.Jobcast result = Throughput.run(suite.net, suite.api, plan.profileJobs(), 500, 4,
                "profile-" + System.nanoTime(), 600);
        return new Profiles.Throughput(result.jobsPerSec(), result.completed(), meter.stop(), threads.stop(),
                profiler.stop("throughput"));
    }

    private Profiles.Recording latency() throws Exception {
        Profiler profiler = new Profiler(suite.work, suite.javaServicePids());
        AtomicReference<Map<String, JfrSummary>> profile = new AtomicReference<>();
        Latency.jobcast(suite.net, suite.api, plan.latencyRate(), Math.min(6, plan.latencySeconds()),
                "profile-lat-" + System.nanoTime(), suite.brokers, new Latency.Window() {
                    @Override
                    public void started() {
                        profiler.start("latency");
                    }

                    @Override
                    public void ended() {
                        profile.set(profiler.stop("latency"));
                    }
                });
        return new Profiles.Recording(profile.get());
    }

    private Profiles.Fanout fanout(RunResult firstRun) throws Exception {
        int clients = plan.fanoutClients().get(0);
        // Where Jobcast first failed in run 1 (else its highest step): the load the profile should see.
        double rate = plan.eventRates().get(0);
        for (FanoutResult.Step step : jobcastSteps(firstRun, clients)) {
            rate = step.targetEventsPerSec();
            if (!step.pass()) {
                break;
            }
        }
        String tag = "profile-fan-" + System.nanoTime();
        Profiler profiler = new Profiler(suite.work, Map.of("progress-service", suite.pid("progress-service")));
        profiler.start("fanout");
        FanoutResult result = Fanout.run(suite.classpath, suite.logs(),
                new Fanout.Target("jobcast", "jobcast", suite.progressPort, tag, suite.api.headTseq(),
                        Fanout.tickers(suite.api, tag), suite.pid("progress-service"), suite.suitePids()),
                new Fanout.Plan(clients, 0.5, List.of(rate), plan.settleSeconds(), plan.measureSeconds(), false, 0.2));
        return new Profiles.Fanout(clients, result.steps().isEmpty() ? null : result.steps().get(0),
                profiler.stop("fanout"));
    }

    private static List<FanoutResult.Step> jobcastSteps(RunResult run, int clients) {
        FanoutSystems systems = run == null || run.fanout() == null ? null : run.fanout().get(Integer.toString(clients));
        return systems == null || systems.jobcast() == null ? List.of() : systems.jobcast().steps();
    }

    private Profiles.Recording http() throws Exception {
        HttpScenario http = new HttpScenario(suite, plan);
        HttpScenario.PolledJob job = http.pollableJob();
        Profiler profiler = new Profiler(suite.work, suite.pids(List.of("gateway", "job-service")));
        profiler.start("http");
        http.shortPolls(job, Math.min(5, plan.httpSeconds()));
        return new Profiles.Recording(profiler.stop("http"));
    }
}
