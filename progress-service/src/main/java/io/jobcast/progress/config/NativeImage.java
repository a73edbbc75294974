package io.jobcast.progress.config;

import io.jobcast.api.JobEvent;
import io.jobcast.api.Problem;
import io.jobcast.progress.websocket.ClientMessage;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** What progress-service reads and writes with Jackson, registered for a native executable. */
@RegisterForReflection(targets = {JobEvent.class, ClientMessage.class, Problem.class, Problem.FieldError.class})
public class NativeImage {
}
