package io.jobcast.bench;

import io.jobcast.bench.results.RedisCalls;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the brokers did: RabbitMQ's global message counters (received, routed, confirmed,
 * delivered, acknowledged; exact, from the node itself, no management plugin needed) and Redis'
 * per-command call counts and times ({@code INFO commandstats}).
 */
public final class Brokers {

    private static final Pattern COUNTER = Pattern.compile("(\\w+) => (\\d+)");
    private static final Pattern COMMAND = Pattern.compile("cmdstat_([^:]+):calls=(\\d+),usec=(\\d+)");

    private final Path rabbitmqctl;
    private final Map<String, String> env;
    private final int redisPort;

    public Brokers(Path rabbitmqctl, Map<String, String> env, int redisPort) {
        this.rabbitmqctl = rabbitmqctl;
        this.env = env;
        this.redisPort = redisPort;
    }

    public Shell.Result rabbitmqctl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(rabbitmqctl.toString()));
        command.addAll(List.of(args));
        return Shell.run(60, env, null, command);
    }

    /** RabbitMQ's AMQP 0-9-1 counters since the node started (classic queues). */
    public Map<String, Long> rabbitCounters() {
        Shell.Result result = rabbitmqctl("eval", "M = rabbit_global_counters:overview(), "
                + "{maps:get([{protocol,amqp091}], M), maps:get([{protocol,amqp091},{queue_type,rabbit_classic_queue}], M)}.");
        Map<String, Long> counters = new LinkedHashMap<>();
        Matcher m = COUNTER.matcher(result.out());
        while (m.find()) {
            counters.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return counters;
    }

    /** Redis commands: name to {calls, usec}. */
    public Map<String, long[]> redisCommands() {
        Shell.Result result = Shell.run(30, "redis-cli", "-p", Integer.toString(redisPort), "info", "commandstats");
        Map<String, long[]> stats = new LinkedHashMap<>();
        Matcher m = COMMAND.matcher(result.out());
        while (m.find()) {
            stats.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
        }
        return stats;
    }

    public static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new LinkedHashMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
        return delta;
    }

    /** Per command: calls and µs in the window, only commands that were called. */
    public static Map<String, RedisCalls> commandDelta(Map<String, long[]> before, Map<String, long[]> after) {
        Map<String, RedisCalls> delta = new LinkedHashMap<>();
        after.forEach((k, v) -> {
            long[] b = before.getOrDefault(k, new long[2]);
            if (v[0] - b[0] > 0) {
                delta.put(k, new RedisCalls(v[0] - b[0], v[1] - b[1]));
            }
        });
        return delta;
    }

    /** Messages still waiting in a queue, or -1 if it cannot be read. */
    public long queueDepth(String queue) {
        Shell.Result result = rabbitmqctl("list_queues", "name", "messages");
        for (String line : result.out().split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 2 && cols[0].equals(queue)) {
                return Long.parseLong(cols[1]);
            }
        }
        return -1;
    }

    public void purge(String queue) {
        rabbitmqctl("purge_queue", queue);
    }
}
