package io.jobcast.jobs;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Redis and RabbitMQ complete their futures on their clients' threads; a request continues on its
 * own Vert.x context instead (its log context, its response), and nothing heavy runs on a client's
 * thread.
 */
public final class CallerContext {

    private CallerContext() {
    }

    /** The stage {@code start} returns, as a Uni that emits on the context of whoever subscribes. */
    public static <T> Uni<T> resume(Supplier<? extends CompletionStage<T>> start) {
        return Uni.createFrom().deferred(() -> {
            Context caller = Vertx.currentContext();
            Uni<T> result = Uni.createFrom().completionStage(start.get());
            return caller == null ? result : result.emitOn(command -> caller.runOnContext(ignored -> command.run()));
        });
    }
}
