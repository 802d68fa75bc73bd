package dev.pump.test.internal;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;

/** One test class's Pump, without Spring: its database, its wiring and its flow. */
public final class ClassPump implements AutoCloseable {
  private final TestDatabase database;
  private final PlainWiring wiring;
  private final Flow flow;

  private ClassPump(TestDatabase database) {
    this.database = database;
    KitClock clock = new KitClock();
    Recorder recorder = new Recorder();
    PlainWiring built;
    try {
      built = new PlainWiring(database, clock, recorder);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    this.wiring = built;
    this.flow = new Flow(wiring, recorder, clock);
  }

  /** A fresh database for {@code testClass}, with Pump built on it. */
  public static ClassPump start(Class<?> testClass) {
    return new ClassPump(PostgresExtension.createDatabase(testClass));
  }

  /** The test's face of it. */
  public Flow flow() {
    return flow;
  }

  /** A test method begins. */
  public void beginTest() {
    flow.beginTest();
  }

  /** A test method ended: its endpoints stop, the tables are emptied. */
  public void endTest() {
    wiring.stopEndpoints();
    flow.endTest();
  }

  /** Stops Pump and drops the database. */
  @Override
  public void close() {
    try {
      wiring.close();
    } finally {
      database.close();
    }
  }
}
