package io.jobcast.progress;

import io.jobcast.api.Problem;

/** A failure the client can act on, answered as its problem document (or WebSocket error frame). */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
