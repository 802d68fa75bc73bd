package dev.pump.spring.internal;

import dev.pump.core.EndpointBuilder;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;

/** Pump's shutdown grace against the time Spring gives each shutdown phase. */
public final class ShutdownGrace {
  private static final Logger log = LoggerFactory.getLogger(ShutdownGrace.class);

  /** Spring's own default for {@code spring.lifecycle.timeout-per-shutdown-phase}. */
  private static final Duration SPRING_PHASE_TIMEOUT = Duration.ofSeconds(30);

  private ShutdownGrace() {}

  /**
   * Warns when Spring would stop waiting for the endpoints before their grace and the cancellation
   * after it ran out: it would then close the DataSource under messages still in flight.
   */
  public static void warnIfBootWaitsLess(Duration grace, Environment environment) {
    String configured = environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase");
    Duration timeout =
        configured == null ? SPRING_PHASE_TIMEOUT : DurationStyle.detectAndParse(configured);
    Duration needed = grace.plus(EndpointBuilder.DEFAULT_CANCELLATION_GRACE);
    if (timeout.compareTo(needed) < 0) {
      log.warn(
          "spring.lifecycle.timeout-per-shutdown-phase is {}, but Pump's endpoints may take {}"
              + " (pump.shutdown-grace {} plus the {} cancellation grace) to stop: set it to at"
              + " least {}, or shorten pump.shutdown-grace",
          timeout,
          needed,
          grace,
          EndpointBuilder.DEFAULT_CANCELLATION_GRACE,
          needed);
    }
  }
}
