package dev.pump.faults.sut;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a system-under-test process crashes by itself: at the {@code k}-th time it reaches one
 * {@link Point}, it halts the JVM at once ({@code Runtime.halt(137)}: no shutdown hooks, no finally
 * blocks, sockets closed by the kernel), which is what {@code kill -9} does at that point.
 * Thread-safe.
 */
public final class CrashPlan {
  /** The places a process can be made to crash. */
  public enum Point {
    /** Inside a handler, after its business write, before the transaction commits. */
    HANDLER,
    /**
     * After the whole pipeline succeeded, before the message is settled: on the PostgreSQL queue
     * transport the commit and the acknowledgement are one, so this is "before commit-and-ack"; on
     * a broker it is "after commit, before ack".
     */
    BEFORE_ACK,
    /** In the dispatcher, after a batch was sent, before the rows are marked dispatched. */
    AFTER_SEND,
    /** Never. */
    NONE
  }

  /** Exit status of a self-inflicted crash, as for a process killed by SIGKILL. */
  public static final int EXIT_STATUS = 137;

  private static final CrashPlan NEVER = new CrashPlan(Point.NONE, 0);

  private final Point point;
  private final long at;
  private final AtomicLong seen = new AtomicLong();

  private CrashPlan(Point point, long at) {
    this.point = point;
    this.at = at;
  }

  /** Crashes at the {@code at}-th time {@code point} is reached. */
  public static CrashPlan at(Point point, long at) {
    return new CrashPlan(point, at);
  }

  /** Never crashes. */
  public static CrashPlan never() {
    return NEVER;
  }

  /** Parses {@code handler@120}, {@code after-send@3} or {@code none}. */
  public static CrashPlan parse(String text) {
    if (text == null || text.equals("none")) {
      return NEVER;
    }
    String[] parts = text.split("@", 2);
    Point point = Point.valueOf(parts[0].toUpperCase(Locale.ROOT).replace('-', '_'));
    return new CrashPlan(point, Long.parseLong(parts[1]));
  }

  /** Reached {@code here}: halts the JVM if it is the planned point and occurrence. */
  public void reached(Point here) {
    if (here == point && seen.incrementAndGet() == at) {
      System.err.println("fault-suite: crashing at " + this);
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_STATUS);
    }
  }

  @Override
  public String toString() {
    return point == Point.NONE
        ? "none"
        : point.name().toLowerCase(Locale.ROOT).replace('_', '-') + "@" + at;
  }
}
