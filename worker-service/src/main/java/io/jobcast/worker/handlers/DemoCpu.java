package io.jobcast.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jobcast.worker.JobContext;
import io.jobcast.worker.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** {@code demo.cpu}: {@code {"iterations": n}}, SHA-256 chained n times; the result is the hex digest. */
@ApplicationScoped
public class DemoCpu implements JobHandler {

    @Override
    public String type() {
        return "demo.cpu";
    }

    @Override
    public String description() {
        return "Chains SHA-256 iterations times, reporting progress every tenth.";
    }

    @Override
    public JsonNode example() {
        return JsonNodeFactory.instance.objectNode().put("iterations", 1_000_000);
    }

    @Override
    public Object run(JobContext context) throws NoSuchAlgorithmException {
        int iterations = Payloads.intField(context.payload(), "iterations", 100_000, 1, 1_000_000_000);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] digest = context.jobId().getBytes(StandardCharsets.UTF_8);
        int tenth = 1;
        for (int i = 1; i <= iterations; i++) {
            digest = sha256.digest(digest);
            if ((i & 0xfff) == 0) {
                context.checkCancelled();
            }
            if (i >= (long) iterations * tenth / 10) {
                context.progress(tenth * 10, i + " of " + iterations + " hashes");
                tenth++;
            }
        }
        return HexFormat.of().formatHex(digest);
    }
}
