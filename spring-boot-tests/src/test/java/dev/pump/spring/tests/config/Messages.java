package dev.pump.spring.tests.config;

/** Messages of the configuration tests. */
final class Messages {
  private Messages() {}

  /** An event. */
  record Pinged(String id) {}

  /** A command. */
  record Ping(String id) {}
}
