package dev.pump.core;

import dev.pump.core.pipeline.PipelineBuilder;
import dev.pump.core.transport.OutgoingMessage;

/**
 * Storage that takes part in every message an endpoint handles: a unit of work, an inbox and an
 * outbox. Core knows no database; {@code pump-outbox-jdbc} implements this for PostgreSQL.
 *
 * <p>Give it to {@link EndpointBuilder#storage(Storage)}; the builder calls {@link #install} at
 * once, so middleware arranged afterwards can be placed relative to the storage's named links.
 * Implementations must be thread-safe: one storage may serve several endpoints.
 */
public interface Storage {
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
  default void checkRetryHorizon(String endpoint, java.time.Duration retryHorizon) {}
}
