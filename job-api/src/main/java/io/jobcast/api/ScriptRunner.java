package io.jobcast.api;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the event log's scripts ({@link Script}): by SHA-1 ({@code EVALSHA}), and with the whole
 * source ({@code EVAL}) when Redis does not know the script yet (its first call, or after a restart
 * of Redis), which also loads it for the calls that follow. The one way every service runs them.
 */
public final class ScriptRunner {

    private final Redis redis;

    public ScriptRunner(Redis redis) {
        this.redis = redis;
    }

    /** Runs {@code script} with the tenant key prefix {@code key} and its JSON argument; completes with its JSON reply. */
    public CompletableFuture<byte[]> run(Script script, String key, byte[] argument) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        redis.send(call(Command.EVALSHA, script.sha1(), key, argument)).onComplete(bySha -> {
            if (bySha.succeeded()) {
                reply.complete(text(bySha.result()));
            } else if (isNoScript(bySha.cause())) {
                redis.send(call(Command.EVAL, script.source(), key, argument)).onComplete(bySource -> {
                    if (bySource.succeeded()) {
                        reply.complete(text(bySource.result()));
                    } else {
                        reply.completeExceptionally(bySource.cause());
                    }
                });
            } else {
                reply.completeExceptionally(bySha.cause());
            }
        });
        return reply;
    }

    private static Request call(Command command, String script, String key, byte[] argument) {
        return Request.cmd(command).arg(script).arg(1).arg(key).arg(argument);
    }

    private static byte[] text(Response response) {
        return response == null ? null : response.toBytes();
    }

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }
}
