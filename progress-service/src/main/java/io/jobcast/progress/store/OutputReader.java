package io.jobcast.progress.store;

import io.jobcast.api.JobKeys;
import io.jobcast.api.JobOutputs;
import io.jobcast.api.JobState;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads jobs' outputs ({@link JobOutputs}): a range of an output's bytes with its sections, and the
 * list of a job's outputs. The job's state is read before the bytes: once it is final, the bytes
 * read after it are the whole output.
 */
@Singleton
public class OutputReader {

    /** Where an attempt's section of an output starts. */
    public record Section(int attempt, long offset) {
    }

    /**
     * A job's state ({@code null}: no such job for this tenant), an output's sections (empty: never
     * written) and its bytes from the offset asked for.
     */
    public record Range(JobState state, List<Section> sections, long from, byte[] bytes) {

        public boolean jobExists() {
            return state != null;
        }

        public boolean outputExists() {
            return !sections.isEmpty();
        }

        /** The attempt that wrote the byte at {@code position}. */
        public int attemptAt(long position) {
            int attempt = 0;
            for (Section section : sections) {
                if (section.offset() <= position) {
                    attempt = section.attempt();
                }
            }
            return attempt;
        }
    }

    /** One of a job's outputs, as listed. */
    public record Listed(String name, long length, List<Section> sections) {
    }

    /** A job's state and outputs; {@code state == null}: no such job. */
    public record Outputs(JobState state, List<Listed> outputs) {
    }

    private final Redis redis;

    public OutputReader(Redis redis) {
        this.redis = redis;
    }

    /** Up to {@code max} bytes of the output from {@code from}, with the job's state and the output's sections. */
    public Uni<Range> read(String tenant, String jobId, String output, long from, int max) {
        String record = JobKeys.record(tenant, jobId);
        return send(Request.cmd(Command.HMGET).arg(record).arg("state").arg(JobOutputs.sectionsField(output)))
                .chain(head -> {
                    JobState state = head.get(0) == null ? null : JobState.valueOf(head.get(0).toString());
                    List<Section> sections = sections(head.get(1));
                    if (state == null || sections.isEmpty()) {
                        return Uni.createFrom().item(new Range(state, sections, from, new byte[0]));
                    }
                    return send(Request.cmd(Command.GETRANGE).arg(JobKeys.output(tenant, jobId, output)).arg(from)
                            .arg(from + max - 1))
                            .map(bytes -> new Range(state, sections, from, bytes == null ? new byte[0] : bytes.toBytes()));
                });
    }

    /** The job's outputs with their lengths and sections. */
    public Uni<Outputs> list(String tenant, String jobId) {
        String record = JobKeys.record(tenant, jobId);
        return send(Request.cmd(Command.HMGET).arg(record).arg("state").arg(JobOutputs.NAMES_FIELD)).chain(head -> {
            if (head.get(0) == null) {
                return Uni.createFrom().item(new Outputs(null, List.of()));
            }
            JobState state = JobState.valueOf(head.get(0).toString());
            List<String> names = head.get(1) == null ? List.of() : List.of(head.get(1).toString().split(","));
            if (names.isEmpty()) {
                return Uni.createFrom().item(new Outputs(state, List.of()));
            }
            Request sections = Request.cmd(Command.HMGET).arg(record);
            names.forEach(name -> sections.arg(JobOutputs.sectionsField(name)));
            List<Uni<Response>> lengths = names.stream()
                    .map(name -> send(Request.cmd(Command.STRLEN).arg(JobKeys.output(tenant, jobId, name)))).toList();
            return send(sections).chain(found -> Uni.join().all(lengths).andFailFast().map(sizes -> {
                List<Listed> outputs = new ArrayList<>(names.size());
                for (int i = 0; i < names.size(); i++) {
                    outputs.add(new Listed(names.get(i), sizes.get(i).toLong(), sections(found.get(i))));
                }
                return new Outputs(state, outputs);
            }));
        });
    }

    private Uni<Response> send(Request request) {
        return Uni.createFrom().completionStage(() -> redis.send(request).toCompletionStage());
    }

    /** {@code "attempt:offset,..."} as sections. */
    private static List<Section> sections(Response field) {
        if (field == null) {
            return List.of();
        }
        List<Section> sections = new ArrayList<>();
        for (String section : field.toString().split(",")) {
            int colon = section.indexOf(':');
            sections.add(new Section(Integer.parseInt(section.substring(0, colon)),
                    Long.parseLong(section.substring(colon + 1))));
        }
        return sections;
    }
}
