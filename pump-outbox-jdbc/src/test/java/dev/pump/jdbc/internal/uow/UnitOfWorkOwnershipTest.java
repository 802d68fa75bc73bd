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

  @Test
  void undoingAnAttemptOfABatchUndoesItsWritesAndDeferralsAndEveryLaterOneOnly() {
    UnitOfWork.Deferral<String> rows = UnitOfWork.Deferral.of("test rows", String.class);
    try (UnitOfWork unit = UnitOfWork.ownTransaction(jdbi, READ_COMMITTED)) {
      unit.beginAttempt(); // the first message of a batch
      unit.handle().execute("INSERT INTO uow_note (id) VALUES ('first')");
      unit.defer(rows, "first");
      int beforeSecond = unit.attemptsBegun();
      unit.beginAttempt(); // the second message, two attempts
      unit.handle().execute("INSERT INTO uow_note (id) VALUES ('second-1')");
      unit.defer(rows, "second-1");
      unit.undoAttemptsFrom(beforeSecond + 1);
      unit.beginAttempt();
      unit.handle().execute("INSERT INTO uow_note (id) VALUES ('second-2')");
      unit.defer(rows, "second-2");
      unit.beginAttempt(); // a third message, given back
      unit.handle().execute("INSERT INTO uow_note (id) VALUES ('third')");
      unit.defer(rows, "third");
      unit.undoLastAttempt();
      unit.undoAttemptsFrom(beforeSecond + 1); // the second's own attempt, and the third's again

      assertThat(unit.deferred(rows)).containsExactly("first");
      unit.beforeCommit(
          rows,
          () ->
              unit.deferred(rows)
                  .forEach(id ->
                      unit.handle()
                          .execute("INSERT INTO uow_note (id) VALUES (?)", "written-" + id)));
      unit.beforeCommit(
          rows,
          () -> {
            throw new AssertionError("registered twice under one key: must run once");
          });
      unit.commit();
    }

    assertThat(notes("first")).isOne();
    assertThat(notes("written-first")).isOne();
    assertThat(notes("second-1") + notes("second-2") + notes("third")).isZero();
  }

  private static int notes(String id) {
    return jdbi.withHandle(h ->
        h.createQuery("SELECT count(*) FROM uow_note WHERE id = :id")
            .bind("id", id)
            .mapTo(Integer.class)
            .one());
  }
}
