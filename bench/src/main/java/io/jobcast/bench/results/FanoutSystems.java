package io.jobcast.bench.results;

/** Scenarios 3 and 4 at one subscriber count: Jobcast, Socket.IO and the bare server. */
public record FanoutSystems(FanoutResult jobcast, FanoutResult socketio, FanoutResult bare) {

    /** By the names the report's tables use: jobcast, socketio, bare. */
    public FanoutResult of(String system) {
        return switch (system) {
            case "jobcast" -> jobcast;
            case "socketio" -> socketio;
            case "bare" -> bare;
            default -> throw new IllegalArgumentException(system);
        };
    }
}
