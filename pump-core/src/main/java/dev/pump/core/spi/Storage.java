package dev.pump.core.spi;

import dev.pump.core.EndpointBuilder;
import dev.pump.core.Lifecycle;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.PumpException;
import dev.pump.core.spi.pipeline.PipelineBuilder;
import java.time.Duration;

/**
 * Storage that takes part in every message an endpoint handles: a unit of work, an inbox and an
 * outbox. Core knows no database; {@code pump-outbox-jdbc} implements this for PostgreSQL.
 *
 * <p>Give it to {@link EndpointBuilder#storage(Storage)}; the builder calls {@link #install} at
 * once, so middleware arranged afterwards can be placed relative to the storage's named links.
 * Implementations must be thread-safe: one storage may serve several endpoints.
 */
public interface Storage extends Lifecycle {
  /**
   * Adds the storage's links to an endpoint's pipeline, between {@code dispatch-outgoing} and
   * {@code invoke-handlers}: its outbox link drains what handlers sent into the outbox inside the
   * transaction, so {@code dispatch-outgoing} finds nothing left to send.
   */
  void install(PipelineBuilder pipeline);

  /**
   * Whether delayed messages wait in storage until they are due. When true, endpoints may send with
   * a delay, and retry after a delay, even on transports without delayed delivery.
   */
  boolean holdsDelayedMessages();

  /**
   * Stores {@code message} to be sent to {@code queue} once its delay has passed, in a transaction
   * of its own. The pump uses it for delayed retries when the transport cannot delay.
   *
   * @param endpoint the endpoint that schedules it
   * @throws PumpException if it cannot be stored; the pump then gives the message back to its queue
   */
  void sendLater(String endpoint, String queue, OutgoingMessage message);

  /**
   * Checks that the storage remembers handled messages long enough for an endpoint whose delayed
   * retries span {@code retryHorizon}: a duplicate arriving later would not be recognised. Called
   * by {@link EndpointBuilder#build()}. The default accepts everything.
   *
   * @throws PumpConfigurationException naming both durations if the storage forgets too early
   */
  default void checkRetryHorizon(String endpoint, Duration retryHorizon) {}

  /**
   * Checks that the storage can serve an endpoint that handles up to {@code concurrency} messages
   * at once, each holding a database connection for its transaction. Called by {@link
   * EndpointBuilder#build()} for endpoints with handlers. The default accepts everything.
   *
   * @throws PumpConfigurationException naming both numbers if the storage's pool is too small
   */
  default void checkConcurrency(String endpoint, int concurrency) {}

  /**
   * Checks as {@link #checkConcurrency(String, int)}, knowing the transport the endpoint receives
   * from: a storage whose message transactions run apart from that transport's receive (a claim in
   * a queue table of its own while the handler runs in an application's transaction) counts both
   * connections. {@link EndpointBuilder#build()} calls this one; the default ignores the transport.
   *
   * @throws PumpConfigurationException naming the numbers if the storage's pool is too small
   */
  default void checkConcurrency(String endpoint, int concurrency, Transport transport) {
    checkConcurrency(endpoint, concurrency);
  }

  /**
   * Counts that {@code endpoint} starts handling {@code messageId} again after an earlier delivery,
   * in a transaction of its own committed before it returns, so a process that dies in the handler
   * leaves the count behind. The pump calls it, with the message running alone in its process, only
   * for a redelivered message of a transport whose own count includes deliveries the pump never
   * received ({@link dev.pump.core.spi.TransportCapabilities#countsUnreceivedDeliveries()}); the
   * message's delivery count is then 1 plus this, and {@code maxDeliveries} is judged against it.
   * The default counts nothing and returns 0: the transport's count stands.
   *
   * @return the redeliveries counted so far, this one included; 0 if this storage does not count
   * @throws PumpException if it cannot be counted; the pump then falls back to the transport's
   *     count
   */
  default int countRedelivery(String endpoint, String messageId) {
    return 0;
  }

  /**
   * Forgets what {@link #countRedelivery} counted for {@code messageId} at {@code endpoint}, once
   * the message is settled for good (handled, parked, or copied for a delayed retry), so a later
   * copy with the same id starts from zero. Called only after a count. The default does nothing.
   *
   * @throws PumpException if it cannot; the pump logs it, and the storage's retention (on
   *     PostgreSQL, a running {@code RetentionCleaner}) forgets later
   */
  default void forgetRedeliveries(String endpoint, String messageId) {}

  /** Does nothing unless a storage needs it: a storage is ready to use once built. */
  @Override
  default void start() {}

  /** Closes the storage; its endpoints and dispatcher must have stopped first. */
  @Override
  default void stop(Duration grace) {
    close();
  }

  /** Releases what the storage owns, such as a connection pool it made. Nothing by default. */
  @Override
  default void close() {}
}
