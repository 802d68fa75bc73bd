package dev.pump.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.jdbc.JdbcStorage;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guessing the action token is slowed down: after five wrong tokens in a row an address waits a
 * minute, told so with 429 and Retry-After, even with the right token; after the wait the right
 * token signs in.
 */
@ExtendWith(PostgresExtension.class)
class ConsoleSignInThrottleTest {
  private static final String TOKEN = "throttle-test-token-0123456789";

  @Test
  void fiveWrongTokensInARowMakeTheAddressWaitAMinute(TestDatabase db) {
    SteppedClock clock = new SteppedClock();
    JdbcStorage storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    PumpConsole console =
        PumpConsole.builder()
            .operations(storage.operations())
            .errorQueues("error")
            .actionToken(TOKEN)
            .clock(clock)
            .build();
    try (PumpConsoleServer server = PumpConsoleServer.start(console, 0)) {
      Http http = new Http(server.uri());
      String origin = "http://" + server.uri().getAuthority();
      for (int i = 1; i <= 5; i++) {
        assertThat(signIn(http, origin, "wrong-token-number-" + i).statusCode())
            .as("wrong token %d", i)
            .isEqualTo(403);
      }

      HttpResponse<String> refused = signIn(http, origin, TOKEN);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("retry-after")).hasValue("60");
      assertThat(refused.body()).contains("Too many wrong tokens from this address");
      assertThat(refused.headers().firstValue("set-cookie")).isEmpty();

      clock.advance(Duration.ofSeconds(59));
      assertThat(signIn(http, origin, TOKEN).statusCode()).isEqualTo(429);
      clock.advance(Duration.ofSeconds(2));
      assertThat(signIn(http, origin, TOKEN).statusCode()).isEqualTo(303);

      // a right token clears the record: the next wrong one is the first again
      assertThat(signIn(http, origin, "wrong-token-again").statusCode()).isEqualTo(403);
      assertThat(signIn(http, origin, TOKEN).statusCode()).isEqualTo(303);
    }
  }

  private static HttpResponse<String> signIn(Http http, String origin, String token) {
    return http.post("/login", List.of("token", token), "Origin", origin);
  }

  private static final class SteppedClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-06T12:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
