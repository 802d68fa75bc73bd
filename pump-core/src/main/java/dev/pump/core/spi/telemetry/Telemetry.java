package dev.pump.core.spi.telemetry;

import dev.pump.core.Endpoint;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.pipeline.IncomingMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The events of Pump's work that metrics and traces are made of: receives, the processing of each
 * message, the creation of each outgoing message and each batch handed to a transport. Given to
 * {@code EndpointBuilder.telemetry} and {@code OutboxDispatcher.Builder.telemetry}; without one,
 * {@link #NONE} does nothing.
 *
 * <p>Every method has a default that does nothing, so an implementation overrides what it uses.
 * Methods are called from many threads at once and on the paths that handle messages: they must be
 * thread-safe and quick. Pump logs and ignores what one throws, so a broken exporter never fails a
 * message.
 */
public interface Telemetry {
  /** Reports nothing. */
  Telemetry NONE = new Telemetry() {};

  /**
   * An endpoint was built with this telemetry. Gauges may read its {@link Endpoint#health()} from
   * now until it stops.
   */
  default void endpointBuilt(Endpoint endpoint) {}

  /**
   * A receive returned.
   *
   * @param endpoint the endpoint that received
   * @param system the transport's {@linkplain dev.pump.core.spi.Transport#messagingSystem() system}
   * @param queue the queue received from
   * @param messages how many messages it returned: none when it waited in vain or failed
   * @param took how long the receive took, its wait included
   * @param failure why it failed, or {@code null}
   */
  default void received(
      String endpoint,
      String system,
      String queue,
      int messages,
      Duration took,
      Throwable failure) {}

  /**
   * A received message is about to run its first attempt. The observation is ended on the same
   * thread when the message's fate is known, so an implementation may make a trace context current
   * for the handlers in between.
   *
   * @param endpoint the endpoint handling it
   * @param system the transport's messaging system
   * @param message the message as received, its headers included
   */
  default ProcessObservation processing(String endpoint, String system, IncomingMessage message) {
    return ProcessObservation.NONE;
  }

  /**
   * An outgoing message was created, in a handler or in a transactional session, on the sender's
   * thread. {@code headers} may still be changed: a tracer writes its trace context there, and it
   * travels with the message (in the outbox row, then on the wire).
   *
   * @param endpoint the endpoint whose routing and headers the message got
   * @param system that endpoint's transport's messaging system
   * @param destination where it goes
   * @param headers the message's headers, modifiable
   */
  default void created(
      String endpoint, String system, Destination destination, Map<String, String> headers) {}

  /**
   * A batch for one destination is about to be handed to a transport, by the outbox dispatcher or
   * by an immediate send. The observation is ended on the same thread once the transport returned.
   *
   * @param system the transport's messaging system
   * @param destination where the batch goes
   * @param batch the messages, with their headers
   */
  default SendObservation sending(
      String system, Destination destination, List<OutgoingMessage> batch) {
    return SendObservation.NONE;
  }
}
