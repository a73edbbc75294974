package io.jobcast.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The records the event log's calls travel in are read and written by Jackson through reflection:
 * job-api registers them for a native executable itself (META-INF/native-image), for every service.
 */
class NativeImageConfigTest {

    @Test
    void everyRecordOfTheEventLogsCallsIsRegisteredForReflection() throws IOException {
        List<String> registered = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/native-image/io.jobcast/job-api/reflect-config.json")) {
            JsonNode config = JobJson.newMapper().readTree(in);
            config.forEach(entry -> registered.add(entry.path("name").asText()));
        }
        // Failure and DueSet are arguments of the builders only; they never travel.
        List<Class<?>> travelling = new ArrayList<>(Arrays.stream(EventLog.class.getDeclaredClasses())
                .filter(type -> type.isRecord() || type.isEnum() || type == EventLog.Op.class
                        || type == EventLog.JobChange.class)
                .filter(type -> type != EventLog.Failure.class && type != EventLog.DueSet.class).toList());
        Arrays.stream(EventLogWriter.class.getDeclaredClasses())
                .filter(type -> type.isRecord() && !type.getSimpleName().equals("Pending")).forEach(travelling::add);

        assertThat(travelling).extracting(Class::getName).isNotEmpty().allSatisfy(name ->
                assertThat(registered).as("reflect-config.json").contains(name));
    }
}
