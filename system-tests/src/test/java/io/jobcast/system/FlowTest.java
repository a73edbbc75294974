package io.jobcast.system;

import static io.jobcast.system.EventClients.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flows through the running suite: a group's parent, followed over SSE like any job, rolls its
 * children's progress and states up exactly; fail-fast and cancelling a flow end its children.
 */
@Order(3)
@ExtendWith(RunningSuite.class)
class FlowTest {

    @Test
    void aGroupsParentFollowedOverSseReachesSucceededWithExactCountsAndAWeightedPercentThatOnlyGrows() throws Exception {
        StringBuilder children = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            children.append(i == 0 ? "" : ",").append("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":4,\"stepMillis\":")
                    .append(20 + 10 * i).append("},\"weight\":").append(1 + i % 3).append('}');
        }
        JsonNode accepted = submit("{\"children\":[" + children + "],\"tags\":[\"flow-test\"]}");
        String flow = accepted.path("flow").path("id").asText();
        assertThat(accepted.path("flow").path("type").asText()).isEqualTo("flow");
        assertThat(accepted.path("children")).hasSize(8);
        CompletableFuture<List<EventClients.SseEvent>> followed = CompletableFuture.supplyAsync(() -> {
            try {
                return EventClients.sse(flow);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<EventClients.SseEvent> events = followed.get(60, TimeUnit.SECONDS);

        JsonNode last = events.get(events.size() - 1).data();
        assertThat(last.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(last.path("percent").asInt()).isEqualTo(100);
        assertThat(last.path("children").toString()).isEqualTo("{\"total\":8,\"SUCCEEDED\":8}");
        List<Integer> percents = events.stream().map(event -> event.data().path("percent").asInt()).toList();
        assertThat(percents).as("the roll-up never goes back").isSorted();
        assertThat(events).extracting(event -> event.data().path("state").asText()).contains("RUNNING");
        for (JsonNode child : accepted.path("children")) {
            JsonNode job = Jobs.get(child.asText());
            assertThat(job.path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(job.path("parent").asText()).isEqualTo(flow);
        }
        assertThat(Jobs.get(flow).path("children").toString()).isEqualTo("{\"total\":8,\"SUCCEEDED\":8}");
        List<String> ids = new ArrayList<>();
        accepted.path("children").forEach(id -> ids.add(id.asText()));
        JsonNode listed = Jobs.getPath("/api/v1/jobs?parent=" + flow + "&limit=100");
        assertThat(listed.path("jobs").findValuesAsText("id")).as("the flow's children, listed by it")
                .containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void failFastEndsTheFlowDeadAndCancelsTheChildrenStillWaiting() throws Exception {
        JsonNode accepted = submit("{\"onChildFailure\":\"fail-fast\",\"children\":["
                + "{\"type\":\"demo.fail\",\"payload\":{\"failTimes\":5},\"maxAttempts\":1},"
                + "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":100,\"stepMillis\":100}},"
                + "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":100,\"stepMillis\":100},\"delay\":\"1h\"}]}");
        String flow = accepted.path("flow").path("id").asText();
        JsonNode dead = Jobs.await(flow, Duration.ofSeconds(60), Jobs.inState("DEAD"));
        assertThat(dead.path("state").asText()).isEqualTo("DEAD");
        List<String> states = new ArrayList<>();
        for (JsonNode child : accepted.path("children")) {
            states.add(Jobs.get(child.asText()).path("state").asText());
        }
        assertThat(states).containsExactly("DEAD", "CANCELLED", "CANCELLED");
        List<EventClients.SseEvent> events = EventClients.sse(flow);
        assertThat(events).extracting(event -> event.data().path("state").asText()).containsSubsequence("FAILED", "DEAD");
        assertThat(events.get(events.size() - 1).data().path("children").toString())
                .isEqualTo("{\"total\":3,\"CANCELLED\":2,\"DEAD\":1}");
    }

    @Test
    void cancellingAFlowCancelsItsChildrenAndEndsItCancelled() throws Exception {
        JsonNode accepted = submit("{\"children\":[{\"type\":\"demo.sleep\",\"payload\":{\"steps\":200,\"stepMillis\":100}},"
                + "{\"type\":\"demo.sleep\",\"payload\":{\"steps\":200,\"stepMillis\":100}}]}");
        String flow = accepted.path("flow").path("id").asText();
        Jobs.await(flow, Duration.ofSeconds(30), Jobs.inState("RUNNING"));
        HttpResponse<String> cancelled = Jobs.post("/api/v1/jobs/" + flow + "/cancel", "");
        assertThat(cancelled.statusCode()).as("a running flow ends once its children have").isEqualTo(202);

        Jobs.await(flow, Duration.ofSeconds(60), Jobs.inState("CANCELLED"));
        for (JsonNode child : accepted.path("children")) {
            assertThat(Jobs.get(child.asText()).path("state").asText()).isEqualTo("CANCELLED");
        }
        HttpResponse<String> retried = Jobs.post("/api/v1/jobs/" + flow + "/retry", "");
        assertThat(retried.statusCode()).isEqualTo(409);
        assertThat(MAPPER.readTree(retried.body()).path("detail").asText()).contains("Retry the ones that failed");
    }

    @Test
    void aBadFlowIsRefusedNamingTheChildAndNothingOfItIsStored() throws Exception {
        HttpResponse<String> invalid = Jobs.post("/api/v1/flows", "{\"children\":[{\"type\":\"demo.sleep\"},"
                + "{\"type\":\"demo.sleep\",\"weight\":0,\"priority\":99}],\"onChildFailure\":\"maybe\"}");
        assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(400);
        assertThat(MAPPER.readTree(invalid.body()).path("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("onChildFailure", "children[1].weight", "children[1].priority");
        HttpResponse<String> unknown = Jobs.post("/api/v1/flows", "{\"children\":[{\"type\":\"demo.sleep\"},"
                + "{\"type\":\"no.such.type\"}],\"tags\":[\"refused-flow\"]}");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(422);
        assertThat(MAPPER.readTree(unknown.body()).path("errors").findValuesAsText("field")).containsExactly("children[1].type");
        assertThat(Jobs.getPath("/api/v1/jobs?tag=refused-flow").path("jobs")).as("nothing stored").isEmpty();
    }

    @Test
    void aChainHandsEachStepTheResultOfTheOneBeforeIt() throws Exception {
        JsonNode accepted = submit("{\"chain\":[{\"type\":\"text.wordcount\",\"payload\":{\"text\":\"to be or not to be\"}},"
                + "{\"type\":\"demo.echo\",\"payload\":{\"step\":2}},{\"type\":\"demo.echo\"}]}");
        String chain = accepted.path("flow").path("id").asText();
        Jobs.await(chain, Duration.ofSeconds(60), Jobs.inState("SUCCEEDED"));
        List<JsonNode> steps = new ArrayList<>();
        for (JsonNode step : accepted.path("children")) {
            steps.add(Jobs.get(step.asText()));
        }
        assertThat(steps.get(0).path("result").path("words").asInt()).isEqualTo(6);
        assertThat(steps.get(1).path("after").asText()).isEqualTo(steps.get(0).path("id").asText());
        assertThat(steps.get(1).path("result").path("input")).isEqualTo(steps.get(0).path("result"));
        assertThat(steps.get(1).path("result").path("payload").path("step").asInt()).isEqualTo(2);
        assertThat(steps.get(2).path("result").path("input")).isEqualTo(steps.get(1).path("result"));
        assertThat(Jobs.get(chain).path("children").toString()).isEqualTo("{\"total\":3,\"SUCCEEDED\":3}");
    }

    @Test
    void aFanInRunsAfterAllChildrenWithTheirResultsInOrder() throws Exception {
        JsonNode accepted = submit("{\"children\":[{\"type\":\"text.wordcount\",\"payload\":{\"text\":\"a b c\"}},"
                + "{\"type\":\"text.wordcount\",\"payload\":{\"text\":\"a\"}},"
                + "{\"type\":\"text.wordcount\",\"payload\":{\"text\":\"a b\"}}],\"then\":{\"type\":\"demo.echo\"}}");
        String flow = accepted.path("flow").path("id").asText();
        Jobs.await(flow, Duration.ofSeconds(60), Jobs.inState("SUCCEEDED"));
        JsonNode group = Jobs.get(accepted.path("children").get(0).asText());
        JsonNode fanIn = Jobs.get(accepted.path("children").get(1).asText());
        assertThat(group.path("children").toString()).isEqualTo("{\"total\":3,\"SUCCEEDED\":3}");
        JsonNode input = fanIn.path("result").path("input");
        assertThat(input.findValuesAsText("state")).containsExactly("SUCCEEDED", "SUCCEEDED", "SUCCEEDED");
        assertThat(input.findValues("words")).extracting(JsonNode::asInt).as("the children's results, in order")
                .containsExactly(3, 1, 2);
        List<String> children = Jobs.getPath("/api/v1/jobs?parent=" + group.path("id").asText()).path("jobs")
                .findValuesAsText("id");
        assertThat(input.findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(children);
    }

    @Test
    void aFailedChainStepCancelsTheStepsAfterItAndItsRetryResumesTheChain() throws Exception {
        JsonNode accepted = submit("{\"chain\":[{\"type\":\"demo.fail\",\"payload\":{\"failTimes\":1},\"maxAttempts\":1},"
                + "{\"type\":\"demo.echo\"}]}");
        String chain = accepted.path("flow").path("id").asText();
        String first = accepted.path("children").get(0).asText();
        String second = accepted.path("children").get(1).asText();
        Jobs.await(chain, Duration.ofSeconds(60), Jobs.inState("DEAD"));
        assertThat(Jobs.get(second).path("state").asText()).isEqualTo("CANCELLED");

        assertThat(Jobs.post("/api/v1/jobs/" + first + "/retry", "").statusCode()).isEqualTo(202);
        Jobs.await(chain, Duration.ofSeconds(60), Jobs.inState("SUCCEEDED"));
        assertThat(Jobs.get(second).path("result").path("input")).isEqualTo(Jobs.get(first).path("result"));
    }

    @Test
    void followingAFlowWithItsChildrenGivesEveryJobsEventsInOrderAndResumesWithoutLossOrDuplicates() throws Exception {
        JsonNode accepted = submit("{\"chain\":[{\"children\":[{\"type\":\"demo.noop\"},{\"type\":\"demo.noop\"}]},"
                + "{\"type\":\"demo.echo\"}]}");
        String root = accepted.path("flow").path("id").asText();
        String path = "/api/v1/jobs/" + root + "/events?include=children";
        List<EventClients.SseEvent> events = EventClients.sseAt(path, null, Integer.MAX_VALUE, RunningSuite.apiKey());

        JsonNode end = events.get(events.size() - 1).data();
        assertThat(end.path("jobId").asText()).as("it ends with the flow's end").isEqualTo(root);
        assertThat(end.path("state").asText()).isEqualTo("SUCCEEDED");
        List<Long> tseqs = events.stream().map(event -> Long.parseLong(event.id())).toList();
        assertThat(tseqs).as("ids are the tenant's sequence numbers").isSorted().doesNotHaveDuplicates();
        String group = accepted.path("children").get(0).asText();
        List<String> children = Jobs.getPath("/api/v1/jobs?parent=" + group).path("jobs").findValuesAsText("id");
        List<String> all = new ArrayList<>(children);
        all.addAll(List.of(root, group, accepted.path("children").get(1).asText()));
        assertThat(events).extracting(event -> event.data().path("jobId").asText()).as("only the flow's jobs")
                .hasSameElementsAs(all);
        for (String job : all) {
            assertThat(events).as("%s from its creation to its end", job)
                    .filteredOn(event -> event.data().path("jobId").asText().equals(job))
                    .extracting(event -> event.data().path("state").asText())
                    .startsWith(job.equals(accepted.path("children").get(1).asText()) ? "SCHEDULED" : "QUEUED")
                    .endsWith("SUCCEEDED");
        }
        assertThat(events).filteredOn(event -> children.contains(event.data().path("jobId").asText()))
                .allSatisfy(event -> assertThat(event.data().path("flow").toString())
                        .isEqualTo("[\"" + root + "\",\"" + group + "\"]"));

        List<EventClients.SseEvent> resumed = EventClients.sseAt(path, events.get(2).id(), Integer.MAX_VALUE,
                RunningSuite.apiKey());
        assertThat(resumed).extracting(EventClients.SseEvent::id)
                .containsExactlyElementsOf(events.subList(3, events.size()).stream().map(EventClients.SseEvent::id).toList());
    }

    @Test
    void aJobThatFindsWorkOnTheWayAddsItToItsGroupWhichWaitsForItAndAnEndedGroupTakesNoMore() throws Exception {
        JsonNode accepted = submit("{\"children\":[{\"type\":\"demo.fanout\",\"payload\":{\"count\":5,"
                + "\"type\":\"demo.sleep\",\"payload\":{\"steps\":2,\"stepMillis\":50}}}]}");
        String flow = accepted.path("flow").path("id").asText();
        JsonNode done = Jobs.await(flow, Duration.ofSeconds(60), Jobs.inState("SUCCEEDED"));
        assertThat(done.path("children").toString()).isEqualTo("{\"total\":6,\"SUCCEEDED\":6}");
        List<String> spawned = new ArrayList<>();
        Jobs.get(accepted.path("children").get(0).asText()).path("result").path("spawned")
                .forEach(id -> spawned.add(id.asText()));
        assertThat(spawned).hasSize(5);
        assertThat(Jobs.getPath("/api/v1/jobs?parent=" + flow).path("jobs").findValuesAsText("id"))
                .hasSize(6).containsAll(spawned);

        HttpResponse<String> late = Jobs.post("/api/v1/flows/" + flow + "/children", "{\"children\":[{\"type\":\"demo.noop\"}]}");
        assertThat(late.statusCode()).as(late.body()).isEqualTo(409);
        assertThat(MAPPER.readTree(late.body()).path("type").asText()).endsWith("/problems/flow-closed");
        assertThat(Jobs.get(flow).path("children").path("total").asInt()).as("nothing was added").isEqualTo(6);
    }

    @Test
    void aBadlyShapedFlowNamesTheNodeAtFault() throws Exception {
        HttpResponse<String> invalid = Jobs.post("/api/v1/flows", "{\"chain\":[{\"type\":\"demo.echo\"},"
                + "{\"children\":[{\"type\":\"demo.echo\",\"delay\":\"5s\"},{\"nothing\":1}]},[]],\"tags\":[\"refused-flow\"]}");
        assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(400);
        assertThat(MAPPER.readTree(invalid.body()).path("errors").findValuesAsText("field")).containsExactlyInAnyOrder(
                "chain[1].children[0].delay", "chain[1].children[1]", "chain[2]");
        assertThat(Jobs.getPath("/api/v1/jobs?tag=refused-flow").path("jobs")).as("nothing stored").isEmpty();
    }

    private static JsonNode submit(String body) throws Exception {
        HttpResponse<String> accepted = Jobs.post("/api/v1/flows", body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("Location")).isPresent();
        return MAPPER.readTree(accepted.body());
    }
}
