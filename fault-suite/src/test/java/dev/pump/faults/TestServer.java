package dev.pump.faults;

import dev.pump.faults.harness.FaultDatabase;
import java.nio.file.Path;

/** One database server for every test class of the suite, stopped when the JVM exits. */
final class TestServer {
  private static FaultDatabase shared;

  private TestServer() {}

  static synchronized FaultDatabase shared() {
    if (shared == null) {
      // an embedded server closes itself when the JVM exits
      shared = FaultDatabase.start();
    }
    return shared;
  }

  static Path logs() {
    return Path.of("target", "fault-logs");
  }
}
