package io.jobcast.api;

import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;

/** Reads a W3C trace context ({@code traceparent}, {@code tracestate}) from the headers that carry it. */
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
}
