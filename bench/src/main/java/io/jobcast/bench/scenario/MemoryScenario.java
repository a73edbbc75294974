package io.jobcast.bench.scenario;

import io.jobcast.bench.ClientAnswer;
import io.jobcast.bench.ClientProcs;
import io.jobcast.bench.Http;
import io.jobcast.bench.Peers;
import io.jobcast.bench.Plan;
import io.jobcast.bench.Procs;
import io.jobcast.bench.Shell;
import io.jobcast.bench.results.MemoryResults;
import io.jobcast.bench.results.MemoryResults.IdleMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory per idle connection: Jobcast's progress-service and the bare server over WebSocket and SSE,
 * Socket.IO over WebSocket, each a fresh process. Last in a run, because it restarts progress-service:
 * a cold JVM in a measured run would count its JIT's work.
 */
final class MemoryScenario {

    private final Suite suite;
    private final Plan plan;

    MemoryScenario(Suite suite, Plan plan) {
        this.suite = suite;
        this.plan = plan;
    }

    MemoryResults run() throws Exception {
        int clients = plan.memoryClients();
        suite.restartProgressService();
        IdleMemory jobcastWebSocket = idle("jobcast", suite.progressPort, suite.pid("progress-service"), clients, 1.0, true);
        suite.restartProgressService();
        IdleMemory jobcastSse = idle("jobcast", suite.progressPort, suite.pid("progress-service"), clients, 0.0, true);
        suite.restartProgressService();
        IdleMemory bareWebSocket;
        try (Peers.Proc fresh = suite.startBare()) {
            bareWebSocket = idle("bare", suite.barePort, fresh.pid(), clients, 1.0, true);
        }
        IdleMemory bareSse;
        try (Peers.Proc fresh = suite.startBare()) {
            bareSse = idle("bare", suite.barePort, fresh.pid(), clients, 0.0, true);
        }
        try (Peers.Proc sio = suite.startNode("sio-server.mjs", "--port", Integer.toString(suite.sioPort))) {
            sio.awaitLog("ready", 30);
            return new MemoryResults(jobcastWebSocket, jobcastSse, bareWebSocket, bareSse,
                    idle("sio", suite.sioPort, sio.pid(), clients, 1.0, false));
        }
    }

    /**
     * Opens idle subscriber connections to a fresh server and measures its growth per connection:
     * the RSS after a full collection on both sides (reproducible: it does not depend on when the
     * collector last ran), and as it is 5 s after connecting (garbage included).
     */
    private IdleMemory idle(String target, int port, long serverPid, int clients, double wsShare, boolean jvm)
            throws Exception {
        // Warm the server up first (classes, JIT, buffers), so the growth is the connections'.
        connectAndClose(target, port, Math.min(300, clients), wsShare);
        Thread.sleep(1000);
        long heapBefore = collect(serverPid, port, jvm);
        long heapRssBefore = jvm ? heapRssKb(serverPid) : -1;
        long rssBefore = Procs.rssKb(serverPid);
        Map<String, String> clientArgs = Map.of("target", target, "port", Integer.toString(port),
                "wsShare", Double.toString(wsShare), "tenant", "dev", "tag", "idle-" + System.nanoTime(), "after",
                target.equals("jobcast") ? Long.toString(suite.api.headTseq()) : "0", "loops", "2");
        IdleMemory out;
        try (ClientProcs procs = new ClientProcs(suite.classpath, suite.logs(), clients, clientArgs)) {
            List<ClientAnswer> connected = procs.ask("connect", 600);
            long ok = ClientProcs.sum(connected, ClientAnswer::ok);
            Thread.sleep(5000);
            long rssAsIs = Procs.rssKb(serverPid);
            long heapAfter = collect(serverPid, port, jvm);
            long heapRssAfter = jvm ? heapRssKb(serverPid) : -1;
            long rssAfter = Procs.rssKb(serverPid);
            double n = Math.max(1, ok);
            out = new IdleMemory(ok, ClientProcs.sum(connected, ClientAnswer::failed), ClientProcs.firstError(connected),
                    rssBefore, rssAfter, (rssAfter - rssBefore) * 1024.0 / n, (rssAsIs - rssBefore) * 1024.0 / n,
                    jvm ? (heapRssAfter - heapRssBefore) * 1024.0 / n : null,
                    jvm ? ((rssAfter - rssBefore) - (heapRssAfter - heapRssBefore)) * 1024.0 / n : null,
                    jvm ? (heapAfter - heapBefore) * 1024.0 / n : null);
            procs.ask("close", 120);
        }
        System.out.printf("    %-8s %-10s %6s connections: %6.0f B RSS per connection (%.0f B as it was before the collection)%n",
                target, wsShare > 0.5 ? "websocket" : "sse", out.connections(), out.rssBytesPerConnection(),
                out.rssAsIsBytesPerConnection());
        return out;
    }

    /** A full collection (jcmd GC.run, or Socket.IO's /bench/gc); the live heap in KB afterwards for JVMs. */
    private long collect(long pid, int port, boolean jvm) throws InterruptedException {
        if (jvm) {
            return liveHeapKb(pid);
        }
        Http.post(suite.net, port, "/bench/gc");
        Thread.sleep(500);
        return -1;
    }

    private void connectAndClose(String target, int port, int clients, double wsShare) throws Exception {
        Map<String, String> clientArgs = Map.of("target", target, "port", Integer.toString(port), "wsShare",
                Double.toString(wsShare), "tenant", "dev", "tag", "warm-up", "after", "0", "loops", "2");
        try (ClientProcs procs = new ClientProcs(suite.classpath, suite.logs(), clients, clientArgs)) {
            procs.ask("connect", 120);
            procs.ask("close", 60);
        }
    }

    /**
     * Resident KB of the Java heap's address range (from GC.heap_info, in /proc/PID/smaps): the part
     * of RSS that is heap, live or garbage not yet collected; the rest is metaspace, code, threads,
     * malloc and direct buffers.
     */
    static long heapRssKb(long pid) {
        Matcher range = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)")
                .matcher(Shell.run(60, "jcmd", Long.toString(pid), "GC.heap_info").out());
        if (!range.find()) {
            return -1;
        }
        long start = Long.parseUnsignedLong(range.group(1), 16);
        long end = Long.parseUnsignedLong(range.group(2), 16);
        long rss = 0;
        try {
            long from = -1;
            long to = -1;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
                if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                    String[] bounds = line.substring(0, line.indexOf(' ')).split("-");
                    from = Long.parseUnsignedLong(bounds[0], 16);
                    to = Long.parseUnsignedLong(bounds[1], 16);
                } else if (line.startsWith("Rss:") && from >= start && to <= end) {
                    rss += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return rss;
    }

    /** Live heap after a full GC, in KB (jcmd GC.run + GC.heap_info). */
    private static long liveHeapKb(long pid) {
        Shell.run(60, "jcmd", Long.toString(pid), "GC.run");
        return heapUsedKb(Shell.run(60, "jcmd", Long.toString(pid), "GC.heap_info").out());
    }

    /** The heap's "used" in a GC.heap_info answer: its first line, not Metaspace's, which a small heap's is below. */
    static long heapUsedKb(String heapInfo) {
        Matcher m = Pattern.compile("heap +total \\d+K, used (\\d+)K").matcher(heapInfo);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
