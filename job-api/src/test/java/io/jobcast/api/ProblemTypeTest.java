package io.jobcast.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The problem catalogue: documented as it is, and one rule for what nobody expected. */
class ProblemTypeTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(/problems/[a-z-]+)` \\| (\\d{3}) \\| ([^|]+) \\|", Pattern.MULTILINE);

    @Test
    void docsListEveryTypeWithItsStatusAndTitleAndNoOther() throws IOException {
        Matcher rows = ROW.matcher(Files.readString(Path.of("../docs/problems.md")));
        List<String> documented = rows.results().map(row -> row.group(1) + " " + row.group(2) + " " + row.group(3).trim())
                .toList();
        List<String> catalogue = Arrays.stream(ProblemType.values())
                .map(type -> type.uri() + " " + type.status() + " " + type.title()).toList();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(catalogue);
    }

    @Test
    void aRefusedRedisConnectionIsUnavailableAndABugIsInternal() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Redis.createClient(vertx, "redis://127.0.0.1:1").connect()
                    .onComplete(connected -> failure.complete(connected.cause()));
            Throwable refused = failure.get(30, TimeUnit.SECONDS);
            assertThat(refused).as("connecting to a closed port fails").isNotNull();
            assertThat(ProblemType.unexpected(new RuntimeException("wrapped", refused)).type())
                    .isEqualTo("/problems/service-unavailable");
            assertThat(ProblemType.unexpected(new IllegalStateException("a bug")).status()).isEqualTo(500);
            assertThat(ProblemType.unexpected(new java.util.concurrent.TimeoutException()).status()).isEqualTo(503);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBareStatusGetsTheCatalogueEntryOfThatStatus() {
        for (int status : new int[] {400, 404, 405, 406, 413, 415, 503}) {
            Problem problem = ProblemType.forStatus(status);
            assertThat(problem.status()).isEqualTo(status);
            assertThat(ProblemType.of(problem.type())).isPresent();
        }
        assertThat(ProblemType.forStatus(418).type()).isEqualTo("/problems/bad-request");
        assertThat(ProblemType.forStatus(502).type()).isEqualTo("/problems/internal");
        assertThat(ProblemType.forStatus(503).retryAfter()).isEqualTo(Integer.toString(Problem.RETRY_AFTER_SECONDS));
        assertThat(ProblemType.forStatus(404).retryAfter()).isNull();
    }
}
