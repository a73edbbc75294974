package io.jobcast.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPInputStream;

/**
 * An OpenTelemetry collector of the least kind: it takes OTLP/HTTP protobuf exports on a port of
 * its own and keeps each span's service, trace, ids and name, so the tests can see which services
 * a job's trace passed through. The services export to it because surefire points their OTLP
 * endpoint here (see this module's pom).
 */
final class OtlpReceiver implements AutoCloseable {

    /** One exported span; ids in lower-case hex, as traceparent headers and the job record write them. */
    record ExportedSpan(String service, String traceId, String spanId, String parentSpanId, String name) {
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<ExportedSpan> spans = new ConcurrentLinkedQueue<>();

    OtlpReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", this::export);
        server.start();
    }

    List<ExportedSpan> spansOf(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    private void export(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            spans.addAll(decode(body));
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse: everything accepted
        }
    }

    /** ExportTraceServiceRequest: resource_spans = 1 { resource = 1, scope_spans = 2 { spans = 2 } }. */
    static List<ExportedSpan> decode(byte[] request) {
        List<ExportedSpan> decoded = new ArrayList<>();
        for (Field resourceSpans : Field.all(request)) {
            if (resourceSpans.number() != 1) {
                continue;
            }
            String service = "";
            List<byte[]> spanMessages = new ArrayList<>();
            for (Field field : Field.all(resourceSpans.bytes())) {
                if (field.number() == 1) {
                    service = serviceName(field.bytes());
                } else if (field.number() == 2) {
                    Field.all(field.bytes()).stream().filter(spans -> spans.number() == 2)
                            .forEach(span -> spanMessages.add(span.bytes()));
                }
            }
            for (byte[] span : spanMessages) {
                decoded.add(span(service, span));
            }
        }
        return decoded;
    }

    /** Resource: attributes = 1 { key = 1, value = 2 { string_value = 1 } }; the one named service.name. */
    private static String serviceName(byte[] resource) {
        for (Field attribute : Field.all(resource)) {
            List<Field> keyValue = Field.all(attribute.bytes());
            if (keyValue.stream().anyMatch(f -> f.number() == 1 && f.string().equals("service.name"))) {
                return keyValue.stream().filter(f -> f.number() == 2).findFirst()
                        .map(value -> Field.all(value.bytes()).get(0).string()).orElse("");
            }
        }
        return "";
    }

    /** Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5. */
    private static ExportedSpan span(String service, byte[] span) {
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        for (Field field : Field.all(span)) {
            switch (field.number()) {
                case 1 -> traceId = HexFormat.of().formatHex(field.bytes());
                case 2 -> spanId = HexFormat.of().formatHex(field.bytes());
                case 4 -> parent = HexFormat.of().formatHex(field.bytes());
                case 5 -> name = field.string();
                default -> {
                }
            }
        }
        return new ExportedSpan(service, traceId, spanId, parent, name);
    }

    /** A field of the protobuf wire format; the bytes of a length-delimited one, nothing for the others. */
    record Field(int number, byte[] bytes) {

        String string() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        static List<Field> all(byte[] message) {
            ByteBuffer in = ByteBuffer.wrap(message);
            List<Field> fields = new ArrayList<>();
            while (in.hasRemaining()) {
                long tag = varint(in);
                int number = (int) (tag >>> 3);
                switch ((int) (tag & 7)) {
                    case 0 -> varint(in);
                    case 1 -> in.position(in.position() + 8);
                    case 5 -> in.position(in.position() + 4);
                    case 2 -> {
                        byte[] bytes = new byte[(int) varint(in)];
                        in.get(bytes);
                        fields.add(new Field(number, bytes));
                    }
                    default -> throw new IllegalArgumentException("not a protobuf message (wire type " + (tag & 7) + ")");
                }
            }
            return fields;
        }

        private static long varint(ByteBuffer in) {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = in.get();
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
