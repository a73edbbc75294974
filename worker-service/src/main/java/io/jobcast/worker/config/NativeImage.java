package io.jobcast.worker.config;

import io.jobcast.api.ControlMessage;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.api.WorkerInfo;
import io.jobcast.worker.handlers.DemoSleep;
import io.jobcast.worker.handlers.TextWordCount;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the worker reads and writes with Jackson: the wire records (job-api has no Quarkus to
 * register them) and the built-in handlers' checkpoints and results. A handler of your own
 * registers its records the same way (see docs/writing-a-job-handler.md).
 */
@RegisterForReflection(targets = {JobMessage.class, JobEvent.class, JobTypeInfo.class, WorkerInfo.class,
        ControlMessage.class, DemoSleep.Done.class, TextWordCount.Counted.class, TextWordCount.Frequency.class,
        TextWordCount.WordCount.class})
public class NativeImage {
}
