package io.jobcast.gateway.config;

import io.jobcast.api.Problem;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The problem documents the gateway writes with Jackson, registered for a native executable. */
@RegisterForReflection(targets = {Problem.class, Problem.FieldError.class})
public class NativeImage {
}
