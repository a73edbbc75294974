package io.jobcast.bench.report;

import static io.jobcast.bench.report.Format.fmt;
import static io.jobcast.bench.report.Format.fmt1;
import static io.jobcast.bench.report.Format.fmtInt;
import static io.jobcast.bench.report.Format.ratio;

import io.jobcast.bench.Fanout;
import io.jobcast.bench.results.FanoutResult;
import io.jobcast.bench.results.FanoutResult.Resume;
import io.jobcast.bench.results.RunResult;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Section 4, within section 3: the reconnect storm after each fan-out ramp, a fifth of the subscribers
 * dropping at once and resuming from their positions: catch-up time and events lost, against
 * Socket.IO's connection state recovery and the bare server.
 */
final class ResumeTables {

    private final Runs runs;
    private final List<String> sizes;

    ResumeTables(Runs runs, List<String> sizes) {
        this.runs = runs;
        this.sizes = sizes;
    }

    private static Resume resume(RunResult run, String k, String system) {
        FanoutResult result = FanoutSection.result(run, k, system);
        return result == null ? null : result.resume();
    }

    private static Double value(RunResult run, String k, String system, Function<Resume, Double> field) {
        Resume resume = resume(run, k, system);
        return resume == null ? null : field.apply(resume);
    }

    private static Double catchUpP99(RunResult run, String k, String system) {
        return value(run, k, system, Resume::catchUpP99ms);
    }

    private static Double lost(RunResult run, String k, String system) {
        return value(run, k, system, resume -> (double) resume.lost());
    }

    void summarize(Summary summary, String k) {
        Double lost = runs.median(r -> lost(r, k, "jobcast"));
        summary.row("4 Resume, " + fmtInt(k) + " subscribers", "catch-up p99, ms (lost)",
                fmt(runs.median(r -> catchUpP99(r, k, "jobcast"))) + " (" + fmt(lost) + ")",
                fmt(runs.median(r -> catchUpP99(r, k, "socketio"))) + " (" + fmt(runs.median(r -> lost(r, k, "socketio"))) + ")",
                fmt(runs.median(r -> catchUpP99(r, k, "bare"))) + " (" + fmt(runs.median(r -> lost(r, k, "bare"))) + ")",
                runs.median(r -> ratio(catchUpP99(r, k, "jobcast"), catchUpP99(r, k, "socketio"))),
                runs.median(r -> ratio(catchUpP99(r, k, "jobcast"), catchUpP99(r, k, "bare"))),
                "0 lost", lost != null && lost == 0 ? "yes" : "**no**");
    }

    void write(StringBuilder md) {
        md.append("\n| Run | K | System | Dropped at once | Caught up | Missed while away (events each) | Catch-up p50 / p99 / max ms | Lost | Duplicates |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult run : runs.all()) {
            for (String k : sizes) {
                for (String system : FanoutSection.SYSTEMS) {
                    Resume r = resume(run, k, system);
                    if (r == null) {
                        continue;
                    }
                    md.append(Format.row(run.run(), fmtInt(k), system, fmt((double) r.dropped()), fmt((double) r.caughtUp()),
                            fmt((double) r.missedWhileAway()),
                            fmt(r.catchUpP50ms()) + " / " + fmt(r.catchUpP99ms()) + " / " + fmt(r.catchUpMaxMs()),
                            fmt((double) r.lost()), fmt((double) r.duplicates())));
                }
            }
        }
        md.append("\nOnce the server has drained what the ramp left it (no event for " + fmt(Fanout.RESTED_MS / 1000.0)
                + " s), a fifth of the subscribers drop at once, stay away 2 s while events flow at " + fmt(Fanout.RESUME_EVENTS_PER_SEC)
                + " events/s, and reconnect together from their last position. Catch-up: from the reconnect until the last "
                + "event created before it has arrived (known when the first event created after it arrives: events come in "
                + "order). Lost: gaps in the per-job sequence numbers, over the whole storm.");
        for (RunResult run : runs.all()) {
            for (String k : sizes) {
                Resume r = resume(run, k, "jobcast");
                if (r != null && r.progress().redisPoolAcquisitions() != null) {
                    md.append(String.format(Locale.ROOT, " Run %s, %s subscribers: Jobcast's %s resuming feeds read the event "
                            + "log %s times, and waited for a pooled Redis connection %s times, %s ms on average.",
                            run.run(), fmtInt(k), fmt((double) r.dropped()), fmt(r.progress().logReads()),
                            fmt(r.progress().redisPoolAcquisitions()), fmt1(r.progress().redisPoolMeanWaitMs())));
                }
            }
        }
        md.append("\n\n");
    }
}
