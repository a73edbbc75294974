package io.jobcast.worker.handlers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobcast.worker.JobContext;
import io.jobcast.worker.JobHandler;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code demo.echo}: returns what it was given, its payload and its input, so a flow's chain or fan-in
 * step shows what it received from the step before it (docs/workflows.md).
 */
@ApplicationScoped
public class DemoEcho implements JobHandler {

    @Override
    public String type() {
        return "demo.echo";
    }

    @Override
    public String description() {
        return "Returns {payload, input}: what it was given, and in a flow the result of the step before it.";
    }

    @Override
    public Object run(JobContext context) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set("payload", context.payload());
        result.set("input", context.input());
        context.progress(100, "echoed");
        return result;
    }
}
