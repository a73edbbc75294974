package io.jobcast.bench;

import io.jobcast.bench.report.Report;
import io.jobcast.bench.results.Json;
import io.jobcast.bench.scenario.Bench;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of the benchmark's Java side (bench/run.sh, {@code ./jobcast bench}, starts it):
 * <pre>
 *   run key=value...             the whole benchmark (see {@link Bench})
 *   report raw=FILE.json         the report again from a run's raw results
 *   bare-server PORT [LOOPS]     the bare Vert.x limit server
 *   fanout-clients key=value...  a process of subscriber connections (see {@link FanoutClients})
 *   throughput key=value...      scenario 1 alone against a running suite (gateway= key= jobs=)
 * </pre>
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "run" -> Bench.main(keyValues(rest, 0));
            case "report" -> Report.main(keyValues(rest, 0));
            case "bare-server" -> BareServer.main(rest);
            case "fanout-clients" -> FanoutClients.main(rest);
            case "throughput" -> {
                Map<String, String> kv = keyValues(rest, 0);
                try (Net net = new Net(2)) {
                    JobcastApi api = new JobcastApi(net, Integer.parseInt(kv.get("gateway")), kv.get("key"));
                    System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
                            Throughput.run(net, api, Integer.parseInt(kv.getOrDefault("jobs", "5000")),
                                    Integer.parseInt(kv.getOrDefault("batch", "500")),
                                    Integer.parseInt(kv.getOrDefault("inflight", "4")), "tp-" + System.currentTimeMillis(),
                                    300)).replaceAll("\"buckets\" : \\[[^]]*(\\][^]]*)*\\]", "\"buckets\":[…]"));
                }
                System.exit(0);
            }
            default -> {
                System.err.println("usage: run|report|bare-server|fanout-clients|throughput (see Main's javadoc)");
                System.exit(2);
            }
        }
    }

    /** {@code key=value} arguments from {@code from} on. */
    public static Map<String, String> keyValues(String[] args, int from) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq > 0) {
                map.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            }
        }
        return map;
    }
}
