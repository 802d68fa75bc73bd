package dev.pump.jdbc.internal;

import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;

/** Counts the statements Jdbi executes, to show a batch is one statement, not one per row. */
public final class StatementCounter implements SqlLogger {
  private final AtomicInteger executed = new AtomicInteger();

  @Override
  public void logAfterExecution(StatementContext context) {
    executed.incrementAndGet();
  }

  /** Statements executed since the last reset. */
  public int executed() {
    return executed.get();
  }

  /** Starts counting from zero. */
  public void reset() {
    executed.set(0);
  }
}
