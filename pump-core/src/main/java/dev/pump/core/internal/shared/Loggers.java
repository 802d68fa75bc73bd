package dev.pump.core.internal.shared;

/**
 * The names Pump logs under, by what an operator watches rather than by class, so that they stay
 * put when the code moves. {@code docs/operations.md} lists them.
 */
public final class Loggers {
  /** Endpoints starting and stopping, receiving, their breakers and critical errors. */
  public static final String ENDPOINT = "dev.pump.endpoint";

  /** Each message's failures, retries, moves to the error queue, and cancellations. */
  public static final String MESSAGES = "dev.pump.messages";

  /** The outbox dispatcher: its cycles, failing destinations, breakers and parked rows. */
  public static final String DISPATCHER = "dev.pump.dispatcher";

  /** Transactions, the inbox and the connection pool check. */
  public static final String STORAGE = "dev.pump.storage";

  /** The PostgreSQL queue transport: claims, settles, wake-ups. */
  public static final String TRANSPORT = "dev.pump.transport";

  /** The retention purge. */
  public static final String RETENTION = "dev.pump.retention";

  /** A service starting and stopping its parts in order. */
  public static final String SERVICE = "dev.pump.service";

  /** Operations on failed messages (retry from the error queue). */
  public static final String OPERATIONS = "dev.pump.operations";

  /** A telemetry that failed and was ignored. */
  public static final String TELEMETRY = "dev.pump.telemetry";

  private Loggers() {}
}
