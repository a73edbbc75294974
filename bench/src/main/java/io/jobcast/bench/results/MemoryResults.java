package io.jobcast.bench.results;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/** Memory per idle connection, each server fresh: Jobcast and the bare server over WebSocket and SSE, Socket.IO over WebSocket. */
public record MemoryResults(@JsonProperty(JOBCAST_WEBSOCKET) IdleMemory jobcastWebSocket,
        @JsonProperty(JOBCAST_SSE) IdleMemory jobcastSse, @JsonProperty(BARE_WEBSOCKET) IdleMemory bareWebSocket,
        @JsonProperty(BARE_SSE) IdleMemory bareSse, @JsonProperty(SOCKETIO_WEBSOCKET) IdleMemory socketIoWebSocket) {

    static final String JOBCAST_WEBSOCKET = "jobcast-websocket";
    static final String JOBCAST_SSE = "jobcast-sse";
    static final String BARE_WEBSOCKET = "bare-vertx-websocket";
    static final String BARE_SSE = "bare-vertx-sse";
    static final String SOCKETIO_WEBSOCKET = "socketio-websocket";

    /** Jobcast's measurement over "websocket" or "sse". */
    public IdleMemory jobcast(String kind) {
        return kind.equals("websocket") ? jobcastWebSocket : jobcastSse;
    }

    /** The bare server's measurement over "websocket" or "sse". */
    public IdleMemory bare(String kind) {
        return kind.equals("websocket") ? bareWebSocket : bareSse;
    }

    /** The measurements there are, by server and transport, in the order they are measured. */
    public Map<String, IdleMemory> byServer() {
        Map<String, IdleMemory> rows = new LinkedHashMap<>();
        rows.put(JOBCAST_WEBSOCKET, jobcastWebSocket);
        rows.put(JOBCAST_SSE, jobcastSse);
        rows.put(BARE_WEBSOCKET, bareWebSocket);
        rows.put(BARE_SSE, bareSse);
        rows.put(SOCKETIO_WEBSOCKET, socketIoWebSocket);
        rows.values().removeIf(row -> row == null);
        return rows;
    }

    /**
     * One fresh server's growth with idle connections: RSS before and after (after a full collection on
     * both sides) and per connection, as it was before that collection (garbage included), and on JVMs
     * (null on Node) the resident heap's share, the rest, and the live heap per connection.
     */
    public record IdleMemory(long connections, long failed, String error, long rssKbBefore, long rssKbAfter,
            double rssBytesPerConnection, double rssAsIsBytesPerConnection, Double heapRssBytesPerConnection,
            Double otherRssBytesPerConnection, Double liveHeapBytesPerConnection) {
    }
}
