package dev.pump.benchmarks.writepath;

import dev.pump.benchmarks.harness.Load;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One system of the write path, ready to run rounds. */
public interface Contender extends AutoCloseable {
  String system();

  /** The application name its server processes carry. */
  String application();

  /** Runs the work in a closed loop for {@code duration}. */
  Load.Run round(Duration duration) throws Exception;

  /** Runs the work paced at {@code rate}, or null if this system is not paced. */
  default Load.Run paced(double rate, Duration duration) {
    return null;
  }

  /** Tables whose row changes the database cost reports. */
  List<String> tables();

  Map<String, Object> describe();

  @Override
  default void close() {}
}
