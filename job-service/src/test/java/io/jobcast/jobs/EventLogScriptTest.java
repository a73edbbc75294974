package io.jobcast.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.EventLog;
import io.jobcast.api.EventLog.Appended;
import io.jobcast.api.EventLog.Refusal;
import io.jobcast.api.EventLog.Refused;
import io.jobcast.api.EventType;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobRecord;
import io.jobcast.api.JobState;
import io.jobcast.jobs.store.JobStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The event log script against a real Redis: sequencing, fencing and the transition table. */
@QuarkusTest
class EventLogScriptTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    JobStore store;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;

    private final String jobId = UUID.randomUUID().toString();

    @Test
    void sequencesEveryEventAndKeepsRecordAndLogTogether() {
        Appended queued = (Appended) create();
        Appended running = (Appended) append(EventLog.claim(state(JobState.RUNNING, 0), Map.of(), mapper));
        Appended progress = (Appended) append(EventLog.advance(progress(1, 40), mapper));
        Appended done = (Appended) append(EventLog.advance(state(JobState.SUCCEEDED, 1), mapper));

        assertThat(new long[] {queued.seq(), running.seq(), progress.seq(), done.seq()}).containsExactly(1, 2, 3, 4);
        assertThat(running.json()).startsWith("{\"seq\":2,\"attempt\":1,\"tseq\":");
        assertThat(running.attempt()).isEqualTo(1);
        assertThat(redis.stream(String.class).xrange(EventLog.logKey("t", jobId), io.quarkus.redis.datasource.stream.StreamRange.of("-", "+")))
                .extracting(m -> m.id() + " " + m.payload().get(EventLog.ENTRY_FIELD))
                .containsExactly("1-0 " + queued.json(), "2-0 " + running.json(), "3-0 " + progress.json(),
                        "4-0 " + done.json());
        JobRecord record = store.find("t", jobId).await().atMost(WAIT);
        assertThat(record.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(record.seq()).isEqualTo(4);
        assertThat(record.attempt()).isEqualTo(1);
        assertThat(record.finishedAt()).isNotNull();
    }

    @Test
    void refusesAnEventOfASupersededAttempt() {
        create();
        append(EventLog.claim(state(JobState.RUNNING, 0), Map.of(), mapper));
        append(EventLog.claim(state(JobState.RUNNING, 0), Map.of(), mapper)); // redelivered: attempt 2

        assertThat(append(EventLog.advance(progress(1, 50), mapper)))
                .isEqualTo(new Refused(Refusal.STALE_ATTEMPT, JobState.RUNNING, 2));
        assertThat(append(EventLog.advance(state(JobState.SUCCEEDED, 1), mapper)))
                .isEqualTo(new Refused(Refusal.STALE_ATTEMPT, JobState.RUNNING, 2));
        assertThat(store.find("t", jobId).await().atMost(WAIT).seq()).isEqualTo(3);
    }

    @Test
    void refusesProgressThatGoesBackwardsWithinAnAttempt() {
        create();
        append(EventLog.claim(state(JobState.RUNNING, 0), Map.of(), mapper));
        append(EventLog.advance(progress(1, 60), mapper));

        assertThat(append(EventLog.advance(progress(1, 59), mapper)))
                .isEqualTo(new Refused(Refusal.PROGRESS_BACKWARDS, JobState.RUNNING, 1));
        assertThat(append(EventLog.advance(progress(1, 60), mapper))).isInstanceOf(Appended.class);
    }

    @Test
    void refusesEveryEventAfterATerminalState() {
        create();
        append(EventLog.claim(state(JobState.RUNNING, 0), Map.of(), mapper));
        append(EventLog.advance(state(JobState.FAILED, 1), mapper));

        assertThat(append(EventLog.advance(progress(1, 100), mapper)))
                .isEqualTo(new Refused(Refusal.ILLEGAL_TRANSITION, JobState.FAILED, 1));
        assertThat(append(EventLog.claim(state(JobState.RUNNING, 0), Map.of(), mapper)))
                .isEqualTo(new Refused(Refusal.ILLEGAL_TRANSITION, JobState.FAILED, 1));
        assertThat(append(EventLog.advance(state(JobState.SUCCEEDED, 1), mapper)))
                .isEqualTo(new Refused(Refusal.ILLEGAL_TRANSITION, JobState.FAILED, 1));
    }

    @Test
    void refusesProgressOfAJobThatIsNotRunningAndEventsOfUnknownJobs() {
        create();
        assertThat(append(EventLog.advance(progress(0, 10), mapper)))
                .isEqualTo(new Refused(Refusal.ILLEGAL_TRANSITION, JobState.QUEUED, 0));
        assertThat(create()).isEqualTo(new Refused(Refusal.ALREADY_EXISTS, null, -1));

        JobEvent stranger = new JobEvent(0, 1, 0, UUID.randomUUID().toString(), "t", "demo.sleep", EventType.PROGRESS,
                JobState.RUNNING, 1, "", null, null, Instant.now());
        assertThat(append(EventLog.advance(stranger, mapper))).isEqualTo(new Refused(Refusal.UNKNOWN_JOB, null, -1));
    }

    private EventLog.Outcome create() {
        JobMessage job = new JobMessage(jobId, "t", "demo.sleep", mapper.createObjectNode(), 3, Instant.now(), List.of());
        return append(EventLog.create(job, state(JobState.QUEUED, 0), mapper));
    }

    private EventLog.Outcome append(EventLog.Append append) {
        return store.append(append).await().atMost(WAIT);
    }

    private JobEvent state(JobState state, int attempt) {
        return new JobEvent(0, attempt, 0, jobId, "t", "demo.sleep", EventType.STATE, state,
                state == JobState.SUCCEEDED ? 100 : 0, state.name(), null, null, Instant.now());
    }

    private JobEvent progress(int attempt, int percent) {
        return new JobEvent(0, attempt, 0, jobId, "t", "demo.sleep", EventType.PROGRESS, JobState.RUNNING,
                percent, "at " + percent, null, null, Instant.now());
    }
}
