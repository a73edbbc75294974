package io.jobcast.bench.scenario;

import io.jobcast.bench.Plan;
import io.jobcast.bench.Procs;
import io.jobcast.bench.Shell;
import io.jobcast.bench.results.ThroughputResults.PerfTest;
import io.jobcast.bench.results.ThroughputResults.RedisBenchmark;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The limits of scenario 1: what the brokers themselves carry on this machine (RabbitMQ PerfTest, redis-benchmark). */
final class Limits {

    private final Suite suite;
    private final Plan plan;

    Limits(Suite suite, Plan plan) {
        this.suite = suite;
        this.plan = plan;
    }

    /**
     * RabbitMQ's own best at persistent, confirmed, acked messages on this machine: PerfTest with a few
     * settings (confirm window, producers and consumers), the best of them the limit.
     */
    PerfTest perfTest(int run) {
        List<List<String>> settings = List.of(List.of("-x", "1", "-y", "1", "-c", "100"),
                List.of("-x", "1", "-y", "1", "-c", "1000"), List.of("-x", "2", "-y", "2", "-c", "100"));
        PerfTest best = null;
        List<PerfTest> tried = new ArrayList<>();
        for (List<String> setting : settings) {
            PerfTest out = perfTestOnce(run, setting);
            tried.add(out);
            if (best == null || receiving(out) > receiving(best)) {
                best = out;
            }
        }
        PerfTest result = best.withTried(tried);
        System.out.printf("    perftest   %8s msg/s persistent, confirmed, acked (best of %d settings: %s)%n",
                result.receivingPerSec(), settings.size(), result.command());
        return result;
    }

    private static double receiving(PerfTest out) {
        return out.receivingPerSec() == null ? -1 : out.receivingPerSec();
    }

    private PerfTest perfTestOnce(int run, List<String> setting) {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx512m", "-cp", suite.perfTestDir + "/*",
                "com.rabbitmq.perf.PerfTest", "-h", "amqp://guest:guest@127.0.0.1:" + suite.rabbitPort));
        command.addAll(setting);
        command.addAll(List.of("-f", "persistent", "-q", "1000", "-s", "300", "-z", Integer.toString(plan.perfTestSeconds()),
                "-u", "bench.perftest." + run, "-ad", "true"));
        Procs.Meter meter = new Procs.Meter(Map.of("rabbitmq", suite.pid("rabbitmq")));
        Shell.Result result = Shell.run(plan.perfTestSeconds() + 60, Map.of(), suite.root, command);
        Long receiving = lastNumber(result.out(), "receiving rate avg: (\\d+)");
        Matcher latency = Pattern.compile("consumer latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) (\\S+)")
                .matcher(result.out());
        return new PerfTest("PerfTest " + String.join(" ", command.subList(6, command.size())),
                lastNumber(result.out(), "sending rate avg: (\\d+)"), receiving, latency.find() ? latency.group(0) : null,
                meter.stop(), result.exit() != 0 || receiving == null ? Suite.tail(result.out()) : null, null);
    }

    RedisBenchmark redisBenchmark() {
        String port = Integer.toString(suite.redisPort);
        String n = Integer.toString(plan.redisRequests());
        Shell.Result builtIn = Shell.run(300, "redis-benchmark", "-p", port, "-c", "50", "-n", n, "-q", "-t",
                "ping_mbulk,set,get,incr,hset,zadd,lpush");
        Map<String, Double> rates = new LinkedHashMap<>();
        Matcher m = Pattern.compile("([A-Z_]+(?: \\([^)]*\\))?): ([0-9.]+) requests per second").matcher(builtIn.out());
        while (m.find()) {
            rates.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        // A script shaped like one of Jobcast's event-log calls: a hash update, a stream append, an index.
        Shell.Result script = Shell.run(300, "redis-benchmark", "-p", port, "-c", "50", "-n", n, "-q", "-r", "100000",
                "EVAL", "redis.call('HSET', KEYS[1], 'state', 'RUNNING', 'seq', ARGV[1]) "
                        + "redis.call('XADD', KEYS[2], 'MAXLEN', '~', '1000', '*', 'e', ARGV[1]) "
                        + "redis.call('ZADD', KEYS[3], ARGV[1], KEYS[1]) return 1",
                "3", "bench:job:__rand_int__", "bench:log:__rand_int__", "bench:index", "__rand_int__");
        Matcher s = Pattern.compile("([0-9.]+) requests per second").matcher(script.out());
        if (s.find()) {
            rates.put("EVAL (HSET+XADD+ZADD)", Double.parseDouble(s.group(1)));
        }
        Shell.run(60, "redis-cli", "-p", port, "eval",
                "local n = 0 for _, k in ipairs(redis.call('KEYS', 'bench:*')) do redis.call('DEL', k) n = n + 1 end return n", "0");
        System.out.printf("    redis      %8.0f PINGs/s, %8.0f script calls/s%n", rates.getOrDefault("PING_MBULK", 0.0),
                rates.getOrDefault("EVAL (HSET+XADD+ZADD)", 0.0));
        return new RedisBenchmark(rates, 50);
    }

    /** The last match's number in a tool's output (PerfTest prints its averages at the end), null if none. */
    private static Long lastNumber(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        Long last = null;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }
}
