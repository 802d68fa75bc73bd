package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.PumpConfigurationException;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The retention cleaner on its own, apart from any dispatcher. */
@ExtendWith(PostgresExtension.class)
class RetentionCleanerTest {
  static JdbcStorage storage;

  @BeforeAll
  static void createStorage(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
  }

  @Test
  void aStartedCleanerPurgesEveryIntervalUntilStopped() {
    RetentionCleaner cleaner =
        RetentionCleaner.builder().storage(storage).interval(Duration.ofSeconds(1)).build();
    cleaner.start();
    try {
      agedInboxRow("first");
      await().atMost(Duration.ofSeconds(10)).until(() -> inboxRows() == 0);
      agedInboxRow("second");
      await().atMost(Duration.ofSeconds(10)).until(() -> inboxRows() == 0);
    } finally {
      cleaner.stop(Duration.ofSeconds(5));
    }
    cleaner.stop(Duration.ofSeconds(5)); // idempotent
    assertThatThrownBy(cleaner::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aCleanerNeverStartedStopsAtOnce() {
    RetentionCleaner cleaner = RetentionCleaner.builder().storage(storage).build();
    cleaner.close();
    assertThatThrownBy(cleaner::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theBuilderNamesEveryBadSetting() {
    assertThatThrownBy(
            () -> RetentionCleaner.builder().interval(Duration.ofMillis(10)).batchSize(0).build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("cleaner.storage must be set")
        .hasMessageContaining("cleaner.interval must be between PT1S and PT24H, was PT0.01S")
        .hasMessageContaining("cleaner.batchSize must be between 1 and 100000, was 0");
  }

  private static void agedInboxRow(String messageId) {
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "INSERT INTO pump.inbox (endpoint, message_id, processed_at)"
                    + " VALUES ('cleaner', ?, now() - interval '8 days')",
                messageId));
  }

  private static long inboxRows() {
    return storage
        .jdbi()
        .withHandle(h ->
            h.createQuery("SELECT count(*) FROM pump.inbox WHERE endpoint = 'cleaner'")
                .mapTo(Long.class)
                .one());
  }
}
