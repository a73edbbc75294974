package io.jobcast.jobs.messaging;

import io.jobcast.api.TraceHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.Map;

/**
 * A job's trace: the submission's W3C trace context is stored with the job, and every later
 * publication of the job (a due retry, a retry by request, a republication) continues it, so all
 * attempts of a job are one trace whoever publishes them.
 */
public final class Traces {

    private Traces() {
    }

    /** The current span's trace context as a {@code traceparent} value; null when there is no valid span. */
    public static String currentTraceparent() {
        SpanContext span = Span.current().getSpanContext();
        return span.isValid()
                ? "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex()
                : null;
    }

    /** The context a stored {@code traceparent} names, to continue its trace; the current one without it. */
    static Context contextOf(String traceparent) {
        if (traceparent == null) {
            return Context.current();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of("traceparent", traceparent),
                TraceHeaders.GETTER);
    }

}
