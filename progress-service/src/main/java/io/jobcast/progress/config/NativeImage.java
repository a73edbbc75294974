package io.jobcast.progress.config;

import io.jobcast.api.JobEvent;
import io.jobcast.api.Problem;
import io.jobcast.progress.OutputFrame;
import io.jobcast.progress.output.OutputRoutes;
import io.jobcast.progress.store.OutputReader;
import io.jobcast.progress.websocket.ClientMessage;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** What progress-service reads and writes with Jackson, registered for a native executable. */
@RegisterForReflection(targets = {JobEvent.class, ClientMessage.class, Problem.class, Problem.FieldError.class,
        OutputFrame.class, OutputReader.Section.class, OutputReader.Listed.class, OutputRoutes.OutputEnd.class})
public class NativeImage {
}
