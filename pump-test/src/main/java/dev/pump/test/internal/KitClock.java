package dev.pump.test.internal;

import dev.pump.test.TestClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The system's UTC clock plus an offset the test advances; on each advance, the kit moves the
 * database's due times by the same amount ({@link FlowTables#shift}). Thread-safe.
 */
public final class KitClock extends TestClock {
  private final Clock system = Clock.systemUTC();
  private volatile Duration offset = Duration.ZERO;
  private volatile Consumer<Duration> onAdvance = d -> {};

  /** What else moves when the clock does: set once the kit's tables are known. */
  public void onAdvance(Consumer<Duration> onAdvance) {
    this.onAdvance = Objects.requireNonNull(onAdvance, "onAdvance");
  }

  @Override
  public void advance(Duration duration) {
    if (duration == null || duration.isNegative()) {
      throw new IllegalArgumentException(
          "testClock.advance takes a duration of zero or more, was " + duration);
    }
    synchronized (this) {
      offset = offset.plus(duration);
    }
    onAdvance.accept(duration);
  }

  @Override
  public Duration advanced() {
    return offset;
  }

  /** Back to the system's time, for the next test. */
  public synchronized void reset() {
    offset = Duration.ZERO;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    // a zone changes how an instant is shown, not which instant it is: the same advancing clock
    KitClock self = this;
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return zone;
      }

      @Override
      public Clock withZone(ZoneId other) {
        return self.withZone(other);
      }

      @Override
      public Instant instant() {
        return self.instant();
      }
    };
  }

  @Override
  public Instant instant() {
    return system.instant().plus(offset);
  }

  @Override
  public String toString() {
    return "TestClock[system UTC + " + offset + "]";
  }
}
