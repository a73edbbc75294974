package io.jobcast.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ./jobcast chaos}: while jobs flow and a few hundred plain clients follow them (EventSource,
 * WebSocket and long polling without the library, the same in Chromium, and the web UI's job page
 * with the library), one fault at a time: each service killed with -9 and started again, RabbitMQ
 * and Redis too, a worker frozen past its lease, Redis refusing writes (the stand-in for a full
 * disk), a client that stops reading. For each: jobs accepted, lost, ended twice; client events
 * missing or doubled; how long until every client was live again. Writes the table into
 * docs/reliability.md and fails if anything was lost or doubled.
 */
@Tag("chaos")
@ExtendWith(RunningSuite.class)
class ChaosDrill {

    private static final String TAG = "chaos";
    private static final int LONG_JOBS = 8;
    private static final int SOURCES_PER_JOB = 10;
    private static final int SOCKETS_PER_JOB = 10;
    private static final int POLLS_PER_JOB = 5;
    private static final Path REPORT = RunningSuite.ROOT.resolve("docs/reliability.md");

    /** One fault: how it is done and undone, while everything runs. */
    private record Fault(String name, Drill inject) {
    }

    @FunctionalInterface
    private interface Drill {
        void run(Phase phase) throws Exception;
    }

    /** One line of the table. */
    record Row(String fault, int accepted, int refused, int lost, int endedTwice, int clients, long missing,
            long conflated, long doubled, int gaveUp, long liveAgainMillis) {
    }

    /** What one fault's phase runs: its long jobs, their clients, and the all-jobs clients. */
    private final class Phase {
        final String name;
        final List<String> longJobs = new ArrayList<>();
        final List<PlainClients.Client> clients = new ArrayList<>();
        final Map<PlainClients.Client, String> followed = new HashMap<>();
        PlainClients.Client stallable;
        long faultAt;

        Phase(String name) {
            this.name = name;
        }
    }

    private JobFlow flow;
    private PlainClients.EventSource allJobs;

    @Test
    void nothingIsLostOrDoubledWhateverFails() throws Exception {
        List<Fault> faults = List.of(
                new Fault("kill -9 of a worker, started again", phase -> restart("worker-1")),
                new Fault("kill -9 of job-service, started again", phase -> restart("job-service")),
                new Fault("kill -9 of a progress-service replica, started again", phase -> restart("progress-service")),
                new Fault("kill -9 of the gateway, started again", phase -> restart("gateway")),
                new Fault("kill -9 of RabbitMQ, started again", phase -> restart("rabbitmq")),
                new Fault("kill -9 of Redis, started again", phase -> restart("redis")),
                new Fault("SIGSTOP of a worker past its lease, then SIGCONT", phase -> freezeWorker("worker-2")),
                new Fault("Redis refuses writes for a while (stand-in for a full disk)", this::refuseWrites),
                new Fault("a client's network stalls (it stops reading)", this::stallClient));
        List<Row> rows = new ArrayList<>();
        String token = EventClients.streamToken();
        allJobs = new PlainClients.EventSource("/api/v1/events?tag=" + TAG, token, false);
        flow = new JobFlow(TAG, "warm-up", 20, 100);
        try (BrowserSession browser = BrowserSession.launch()) {
            for (int i = 0; i < faults.size(); i++) {
                rows.add(drill(faults.get(i), "phase-" + (i + 1), browser));
                System.out.println("chaos: " + rows.get(rows.size() - 1));
            }
        } finally {
            flow.close();
            allJobs.close();
        }
        writeReport(rows);
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.lost()).as("%s: jobs lost", row.fault()).isZero();
            assertThat(row.endedTwice()).as("%s: jobs ended twice", row.fault()).isZero();
            assertThat(row.missing()).as("%s: client events missing", row.fault()).isZero();
            assertThat(row.doubled()).as("%s: client events doubled", row.fault()).isZero();
            assertThat(row.gaveUp()).as("%s: clients that gave up", row.fault()).isZero();
        });
    }

    private Row drill(Fault fault, String name, BrowserSession browser) throws Exception {
        Phase phase = new Phase(name);
        flow.phase(name);
        for (int i = 0; i < LONG_JOBS; i++) {
            phase.longJobs.add(once(() -> Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":120,\"stepMillis\":200},"
                    + "\"tags\":[\"" + TAG + "\",\"" + name + "\"]}")));
        }
        String token = once(() -> EventClients.streamToken(phase.longJobs.toArray(String[]::new)));
        for (String job : phase.longJobs) {
            for (int i = 0; i < SOURCES_PER_JOB; i++) {
                follow(phase, job, new PlainClients.EventSource("/api/v1/jobs/" + job + "/events", token, true));
            }
            for (int i = 0; i < SOCKETS_PER_JOB; i++) {
                follow(phase, job, new PlainClients.Socket(job, token));
            }
            for (int i = 0; i < POLLS_PER_JOB; i++) {
                follow(phase, job, new PlainClients.LongPoll(job, token));
            }
        }
        try (BrowserContext context = browser.newContext()) {
            Page plain = BrowserSession.open(context, "/examples/index.html");
            plain.evaluate(BrowserThroughRestartsTest.FOLLOW, List.of(phase.longJobs.get(0), token));
            Page library = BrowserSession.open(context, "/ui/jobs/" + phase.longJobs.get(1));
            awaitQuietly(() -> phase.clients.stream().allMatch(client -> client.received().size() >= 3), 60);
            assertThat(phase.clients.stream().filter(client -> client.received().size() < 3)
                    .map(client -> client.kind + " of " + phase.followed.get(client) + ": " + client.received().size()
                            + " events" + (client.gaveUp == null ? "" : ", gave up: " + client.gaveUp)))
                    .as("%s: clients not live before the fault", name).isEmpty();

            phase.faultAt = System.currentTimeMillis();
            fault.inject().run(phase);

            for (String job : phase.longJobs) {
                Jobs.await(job, Duration.ofSeconds(120), Jobs::isFinished);
            }
            awaitQuietly(() -> phase.clients.stream().allMatch(client -> client.ended() || client.gaveUp != null), 60);
            flow.phase(name + "-done");
            List<String> accepted = flow.accepted(name);
            awaitQuietly(() -> allJobs.endedJobs().containsAll(accepted), 120);
            return row(fault, phase, accepted, plain, library);
        } finally {
            phase.clients.forEach(PlainClients.Client::close);
            if (phase.stallable != null) {
                phase.stallable.close();
            }
        }
    }

    private void follow(Phase phase, String job, PlainClients.Client client) {
        phase.clients.add(client);
        phase.followed.put(client, job);
    }

    private Row row(Fault fault, Phase phase, List<String> accepted, Page plain, Page library) throws Exception {
        Map<String, Long> lastSeqs = new HashMap<>();
        for (String job : phase.longJobs) {
            lastSeqs.put(job, Jobs.get(job).path("lastSeq").asLong());
        }
        long missing = 0;
        long doubled = 0;
        int gaveUp = 0;
        long liveAgain = 0;
        Map<String, Long> slowestByKind = new HashMap<>();
        Map<String, List<String>> slowestInterruptions = new HashMap<>();
        for (PlainClients.Client client : phase.clients) {
            String job = phase.followed.get(client);
            PlainClients.Count count = PlainClients.Count.of(client.seqsByJob().getOrDefault(job, List.of()), lastSeqs.get(job));
            missing += count.missing();
            doubled += count.doubled();
            gaveUp += client.gaveUp == null ? 0 : 1;
            long fresh = client.firstFreshArrival(phase.faultAt);
            long clientLiveAgain = fresh < 0 ? Long.MAX_VALUE : fresh - phase.faultAt;
            liveAgain = Math.max(liveAgain, clientLiveAgain);
            if (clientLiveAgain > slowestByKind.getOrDefault(client.kind, -1L)) {
                slowestByKind.put(client.kind, clientLiveAgain);
                slowestInterruptions.put(client.kind, List.copyOf(client.interruptions));
            }
        }
        System.out.println("chaos: " + fault.name() + ": the slowest clients' interruptions since " + phase.faultAt + ": "
                + slowestInterruptions);
        System.out.println("chaos: " + fault.name() + ": live again after, slowest client of each kind (ms): " + slowestByKind);
        for (String client : List.of("sse", "ws")) {
            PlainClients.Count count = PlainClients.Count.of(BrowserThroughRestartsTest.seqs(plain, client),
                    lastSeqs.get(phase.longJobs.get(0)));
            missing += count.missing();
            doubled += count.doubled();
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> BrowserSession.timelineSeqs(library).size() >= lastSeqs.get(phase.longJobs.get(1)));
        PlainClients.Count page = PlainClients.Count.of(BrowserSession.timelineSeqs(library).stream().map(Integer::longValue)
                .toList(), lastSeqs.get(phase.longJobs.get(1)));
        missing += page.missing();
        doubled += page.doubled();

        // The flow's jobs, seen through the all-jobs stream: each must end, once.
        Map<String, List<PlainClients.Received>> byJob = allJobs.received().stream()
                .collect(Collectors.groupingBy(PlainClients.Received::jobId));
        int lost = 0;
        int endedTwice = 0;
        for (String job : accepted) {
            List<PlainClients.Received> events = byJob.getOrDefault(job, List.of());
            long terminal = events.stream().filter(PlainClients.Received::terminal).map(PlainClients.Received::seq).distinct().count();
            if (terminal > 1) {
                endedTwice++;
            } else if (terminal == 0) {
                JsonNode record = Jobs.get(job); // the stream missed it, or the job never ended
                if (Jobs.isFinished(record)) {
                    missing++;
                } else {
                    lost++;
                }
            }
        }
        long conflated = 0;
        if (phase.stallable != null) {
            long[] counted = stalledClientCount(phase.stallable, accepted);
            missing += counted[0];
            conflated = counted[1];
            doubled += counted[2];
        }
        int clients = phase.clients.size() + 3 + 1 + (phase.stallable == null ? 0 : 1);
        return new Row(fault.name(), accepted.size() + LONG_JOBS, flow.refused(phase.name), lost, endedTwice, clients, missing,
                conflated, doubled, gaveUp, liveAgain);
    }

    /**
     * A client that stopped reading the all-jobs stream: its state events must all arrive (progress
     * events waiting for it may be conflated, by design), none twice. [missing state, conflated progress, doubled]
     */
    private static long[] stalledClientCount(PlainClients.Client stalled, List<String> accepted) throws Exception {
        Map<String, List<Long>> seqs = stalled.seqsByJob();
        long missingState = 0;
        long conflated = 0;
        long doubled = 0;
        for (String job : accepted) {
            List<Long> seen = seqs.getOrDefault(job, List.of());
            doubled += seen.size() - seen.stream().distinct().count();
            long last = seen.stream().mapToLong(Long::longValue).max().orElse(0);
            Set<Long> got = Set.copyOf(seen);
            if (LongStream.rangeClosed(1, last).allMatch(got::contains) && stalled.received().stream()
                    .anyMatch(event -> event.jobId().equals(job) && event.terminal())) {
                continue;
            }
            for (EventClients.SseEvent event : EventClients.sse(job)) {
                if (!got.contains(Long.parseLong(event.id()))) {
                    if ("progress".equals(event.name())) {
                        conflated++;
                    } else {
                        missingState++;
                    }
                }
            }
        }
        return new long[] {missingState, conflated, doubled};
    }

    /** Retried while the suite is still coming back from the previous fault. */
    private static <T> T once(java.util.concurrent.Callable<T> call) {
        java.util.concurrent.atomic.AtomicReference<T> result = new java.util.concurrent.atomic.AtomicReference<>();
        await("the suite taking requests again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            try {
                result.set(call.call());
                return true;
            } catch (Exception | AssertionError notYet) {
                return false;
            }
        });
        return result.get();
    }

    private static void awaitQuietly(java.util.concurrent.Callable<Boolean> condition, int seconds) {
        try {
            await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(250)).until(condition);
        } catch (ConditionTimeoutException counted) {
            // what did not happen is counted in the row
        }
    }

    // ------------------------------------------------------------------ the faults

    private static void restart(String process) throws Exception {
        Processes.crash(process);
        Processes.startMissing();
    }

    /** Frozen until the job-service has given its attempts to others (their leases ran out), then thawed. */
    private static void freezeWorker(String worker) throws Exception {
        Processes.signal(worker, "STOP");
        try {
            await(worker + "'s jobs taken over").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        JsonNode running = Jobs.getPath("/api/v1/jobs?state=RUNNING&limit=100");
                        for (JsonNode job : running.path("jobs")) {
                            if (worker.equals(job.path("worker").asText())) {
                                return false;
                            }
                        }
                        return true;
                    });
        } finally {
            Processes.signal(worker, "CONT");
        }
    }

    /** Redis refuses every write until submissions have been refused for a while, then accepts them again. */
    private void refuseWrites(Phase phase) throws Exception {
        redis("CONFIG", "SET", "min-replicas-to-write", "1");
        try {
            int before = flow.refused(phase.name);
            await("submissions refused").atMost(Duration.ofSeconds(60)).until(() -> flow.refused(phase.name) >= before + 100);
        } finally {
            redis("CONFIG", "SET", "min-replicas-to-write", "0");
        }
    }

    /** A client of all the tag's events stops reading until the others received 10,000 more, then goes on. */
    private void stallClient(Phase phase) throws Exception {
        PlainClients.EventSource stalled = new PlainClients.EventSource("/api/v1/events?tag=" + phase.name,
                once(EventClients::streamToken), false);
        phase.stallable = stalled;
        await().atMost(Duration.ofSeconds(30)).until(() -> stalled.received().size() >= 10);
        stalled.stall(true);
        int before = allJobs.received().size();
        await("the others going on").atMost(Duration.ofSeconds(120)).until(() -> allJobs.received().size() >= before + 10_000);
        stalled.stall(false);
    }

    private static void redis(String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("redis-cli", "-p", System.getenv().getOrDefault("JOBCAST_PRIVATE_REDIS_PORT",
                "16390")));
        args.addAll(List.of(command));
        RunningSuite.Result result = RunningSuite.run(args, 30);
        assertThat(result.output().trim()).as(String.join(" ", args)).isEqualTo("OK");
    }

    // ------------------------------------------------------------------ the report

    private static void writeReport(List<Row> rows) throws Exception {
        StringBuilder table = new StringBuilder();
        table.append("Last drill: ").append(LocalDate.now()).append(", `./jobcast chaos` on this 2-core machine.\n\n");
        table.append("| Fault | Jobs accepted | Submissions refused | Jobs lost | Jobs ended twice | Clients | Client events "
                + "missing | doubled | Clients that gave up | Every client live again after |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            table.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %d | %d | %d | %d%s | %d | %d | %s |%n", row.fault(),
                    row.accepted(), row.refused(), row.lost(), row.endedTwice(), row.clients(), row.missing(),
                    row.conflated() > 0 ? " (" + row.conflated() + " progress conflated for the stalled client, by design)" : "",
                    row.doubled(), row.gaveUp(), row.liveAgainMillis() == Long.MAX_VALUE ? "never"
                            : String.format(Locale.ROOT, "%.1f s", row.liveAgainMillis() / 1000.0)));
        }
        String doc = Files.readString(REPORT, StandardCharsets.UTF_8);
        String begin = "<!-- chaos:begin -->";
        String end = "<!-- chaos:end -->";
        Files.writeString(REPORT, doc.substring(0, doc.indexOf(begin) + begin.length()) + "\n" + table
                + doc.substring(doc.indexOf(end)), StandardCharsets.UTF_8);
    }
}
