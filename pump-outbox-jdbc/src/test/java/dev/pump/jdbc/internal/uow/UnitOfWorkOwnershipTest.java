package dev.pump.jdbc.internal.uow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The unit of work owns its transaction: what it reports is what the database did. */
@ExtendWith(PostgresExtension.class)
class UnitOfWorkOwnershipTest {
  private static final TransactionIsolationLevel READ_COMMITTED =
      TransactionIsolationLevel.READ_COMMITTED;
  static Jdbi jdbi;

  @BeforeAll
  static void createTable(TestDatabase db) {
    jdbi = Jdbi.create(db.dataSource());
    jdbi.useHandle(h -> h.execute("CREATE TABLE uow_note (id text PRIMARY KEY)"));
  }

  @Test
  void aFailingAfterCommitActionDoesNotReportTheCommittedTransactionAsFailed() {
    AtomicBoolean laterActionRan = new AtomicBoolean();
    try (UnitOfWork unit = UnitOfWork.ownTransaction(jdbi, READ_COMMITTED)) {
      unit.handle().execute("INSERT INTO uow_note (id) VALUES ('committed')");
      unit.afterCommit(() -> {
        throw new IllegalStateException("wake-up failed");
      });
      unit.afterCommit(() -> laterActionRan.set(true));

      assertThatCode(unit::commit).doesNotThrowAnyException();
    }

    assertThat(notes("committed")).isOne();
    assertThat(laterActionRan).isTrue();
  }

  @Test
  void closingAUnitNeitherCommittedNorRolledBackRollsItBackQuietly() {
    UnitOfWork unit = UnitOfWork.ownTransaction(jdbi, READ_COMMITTED);
    unit.handle().execute("INSERT INTO uow_note (id) VALUES ('abandoned')");

    assertThatCode(unit::close).doesNotThrowAnyException();
    assertThatCode(unit::close).doesNotThrowAnyException();

    assertThat(notes("abandoned")).isZero();
  }

  @Test
  void undoingTheLastAttemptKeepsWhatCameBeforeIt() {
    try (UnitOfWork unit = UnitOfWork.ownTransaction(jdbi, READ_COMMITTED)) {
      unit.handle().execute("INSERT INTO uow_note (id) VALUES ('before')");
      unit.beginAttempt();
      unit.handle().execute("INSERT INTO uow_note (id) VALUES ('undone')");
      unit.undoLastAttempt();
      unit.commit();
    }

    assertThat(notes("before")).isOne();
    assertThat(notes("undone")).isZero();
  }

  private static int notes(String id) {
    return jdbi.withHandle(h ->
        h.createQuery("SELECT count(*) FROM uow_note WHERE id = :id")
            .bind("id", id)
            .mapTo(Integer.class)
            .one());
  }
}
