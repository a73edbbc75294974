package io.jobcast.api;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;

/**
 * The W3C trace context ({@code traceparent}) as it travels: in AMQP headers, in job records and in
 * the tenants' stream entries. A job's submission's context is stored with the job, and every later
 * publication of the job (a due retry, a retry by request, a republication) continues it, so all
 * attempts of a job are one trace whoever publishes them; the events a sampled change appends carry
 * its context to progress-service.
 */
public final class TraceHeaders {

    /** From AMQP headers (whose values are the client's LongStrings) or any map of strings. */
    public static final TextMapGetter<Map<String, ?>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, ?> headers) {
            return headers.keySet();
        }

        @Override
        public String get(Map<String, ?> headers, String key) {
            Object value = headers == null ? null : headers.get(key);
            return value == null ? null : value.toString();
        }
    };

    private TraceHeaders() {
    }

    /** The current span's trace context as a {@code traceparent} value; null when there is no valid span. */
    public static String currentTraceparent() {
        SpanContext span = Span.current().getSpanContext();
        return span.isValid()
                ? "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex()
                : null;
    }

    /** As {@link #currentTraceparent()}, but null unless the span is sampled: what is worth continuing elsewhere. */
    public static String sampledTraceparent() {
        return Span.current().getSpanContext().isSampled() ? currentTraceparent() : null;
    }

    /** The context a stored {@code traceparent} names, to continue its trace; the current one for null. */
    public static Context contextOf(String traceparent) {
        return traceparent == null ? Context.current() : W3CTraceContextPropagator.getInstance().extract(Context.root(),
                Map.of("traceparent", traceparent), GETTER);
    }
}
