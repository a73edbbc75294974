package io.jobcast.jobs.config;

import io.jobcast.api.ControlMessage;
import io.jobcast.api.JobEvent;
import io.jobcast.api.JobMessage;
import io.jobcast.api.JobTypeInfo;
import io.jobcast.api.Problem;
import io.jobcast.api.WorkerInfo;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The wire records job-service reads and writes with its own ObjectMapper: a native executable
 * needs them registered for reflection, which job-api (no Quarkus in it) cannot do itself.
 */
@RegisterForReflection(targets = {JobMessage.class, JobEvent.class, JobTypeInfo.class, WorkerInfo.class,
        ControlMessage.class, Problem.class, Problem.FieldError.class})
public class NativeImage {
}
