package dev.pump.faults.harness;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waiting for a condition in the harness's own code (the tests use Awaitility). */
public final class Waits {
  private Waits() {}

  /** A step run between two looks at the condition, e.g. relaunching dead processes. */
  @FunctionalInterface
  public interface Step {
    void run() throws Exception;
  }

  /**
   * Looks at {@code condition} every 100 ms, running {@code between} in between, until it holds or
   * {@code timeout} passed; returns whether it held. Exceptions of the condition count as false
   * (the database may be away).
   */
  public static boolean until(Callable<Boolean> condition, Duration timeout, Step between)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.call()) {
          return true;
        }
      } catch (RuntimeException e) {
        // not yet: the database may be restarting
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      between.run();
      Thread.sleep(100);
    }
  }

  /** Lets {@code duration} pass, running {@code between} every 100 ms meanwhile. */
  public static void pause(Duration duration, Step between) throws Exception {
    long until = System.nanoTime() + duration.toNanos();
    until(() -> System.nanoTime() > until, duration.plusMinutes(1), between);
  }
}
