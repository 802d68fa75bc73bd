package dev.pump.jdbc.internal.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.migrations.PumpMigrations;
import dev.pump.migrations.SchemaName;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class InboxStoreTest {
  static Jdbi jdbi;
  static InboxStore inbox;

  @BeforeAll
  static void migrate(TestDatabase db) {
    PumpMigrations.migrate(db.dataSource());
    jdbi = Jdbi.create(db.dataSource());
    inbox = new InboxStore(SchemaName.DEFAULT);
  }

  @Test
  void theFirstCopyIsRecordedAndTheSecondCountedAsADuplicate() {
    boolean first = firstTime("billing", "m-dup");
    boolean second = firstTime("billing", "m-dup");

    assertThat(first).isTrue();
    assertThat(second).isFalse();
    Integer duplicates =
        jdbi.withHandle(h ->
            h.createQuery(
                    "SELECT duplicates FROM pump.inbox WHERE endpoint = 'billing'"
                        + " AND message_id = 'm-dup'")
                .mapTo(Integer.class)
                .one());
    assertThat(duplicates).isEqualTo(1);
  }

  @Test
  void deduplicationIsPerEndpoint() {
    assertThat(firstTime("billing", "m-shared")).isTrue();
    assertThat(firstTime("shipping", "m-shared")).isTrue();
  }

  @Test
  void aRolledBackFirstCopyLeavesNoTrace() {
    try (Handle handle = jdbi.open()) {
      handle.begin();
      assertThat(inbox.recordFirstTime(handle, "billing", "m-rollback")).isTrue();
      handle.rollback();
    }
    assertThat(firstTime("billing", "m-rollback")).isTrue();
  }

  @Test
  void aCopyRacingAnOpenTransactionWaitsAndIsADuplicateIfTheFirstCommits() throws Exception {
    assertThat(race("m-race-commit", true)).isFalse();
  }

  @Test
  void aCopyRacingAnOpenTransactionWaitsAndWinsIfTheFirstRollsBack() throws Exception {
    assertThat(race("m-race-rollback", false)).isTrue();
  }

  private static boolean firstTime(String endpoint, String messageId) {
    Boolean first = jdbi.inTransaction(h -> inbox.recordFirstTime(h, endpoint, messageId));
    return first;
  }

  private static int backendsWaitingOnALock() {
    return jdbi.withHandle(h ->
        h.createQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND wait_event_type = 'Lock'")
            .mapTo(Integer.class)
            .one());
  }

  /** Whether the second copy is "first time" while the first copy's transaction is open. */
  private static boolean race(String messageId, boolean firstCommits) throws Exception {
    try (Handle first = jdbi.open()) {
      first.begin();
      assertThat(inbox.recordFirstTime(first, "billing", messageId)).isTrue();

      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Boolean> second =
          CompletableFuture.supplyAsync(() ->
              jdbi.inTransaction(h -> {
                started.countDown();
                return inbox.recordFirstTime(h, "billing", messageId);
              }));
      started.await(10, TimeUnit.SECONDS);
      // the second copy blocks on the primary key until the first transaction ends
      await().atMost(Duration.ofSeconds(10)).until(() -> backendsWaitingOnALock() == 1);
      assertThat(second).isNotDone();
      if (firstCommits) {
        first.commit();
      } else {
        first.rollback();
      }
      return second.get(10, TimeUnit.SECONDS);
    }
  }
}
