package dev.pump.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** One database server for every test class of the suite, stopped when the JVM exits. */
final class TestServer {
  private static FaultDatabase shared;

  private TestServer() {}

  static synchronized FaultDatabase shared() {
    if (shared == null) {
      try {
        shared = FaultDatabase.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      FaultDatabase server = shared;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(() -> {
                try {
                  server.close();
                } catch (IOException ignored) {
                  // the JVM is exiting; the data directory is temporary
                }
              }));
    }
    return shared;
  }

  static Path logs() {
    return Path.of("target", "fault-logs");
  }
}
