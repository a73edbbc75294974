package io.jobcast.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamTokenTest {

    private final byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private final Instant now = Instant.parse("2026-11-24T08:00:00Z");

    @Test
    void aSignedTokenVerifiesAndSaysWhatItShows() {
        StreamToken token = new StreamToken("acme", List.of("j1", "j2"), now.plusSeconds(600));

        StreamToken verified = StreamToken.verify(token.sign(secret), secret, now).orElseThrow();

        assertThat(verified).isEqualTo(token);
        assertThat(verified.covers("j1")).isTrue();
        assertThat(verified.covers("j3")).isFalse();
        assertThat(new StreamToken("acme", List.of(), now.plusSeconds(1)).covers("anything")).isTrue();
    }

    @Test
    void aTamperedExpiredOrForeignTokenDoesNot() {
        String signed = new StreamToken("acme", List.of("j1"), now.plusSeconds(600)).sign(secret);

        assertThat(StreamToken.verify(signed.replace("acme", "evil"), secret, now)).isEmpty();
        assertThat(StreamToken.verify(signed.replace(".j1.", ".*."), secret, now)).isEmpty();
        assertThat(StreamToken.verify(signed, secret, now.plusSeconds(600))).isEmpty();
        assertThat(StreamToken.verify(signed, "another secret of enough length!".getBytes(StandardCharsets.UTF_8), now))
                .isEmpty();
        assertThat(StreamToken.verify("st1.broken", secret, now)).isEmpty();
        assertThat(StreamToken.verify("jc_dev_key", secret, now)).isEmpty();
    }
}
