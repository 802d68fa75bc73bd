package dev.pump.core;

/**
 * Handles one type of message: plain blocking code, run on a virtual thread.
 *
 * <p>A handler registered for a supertype or interface also receives every subtype; several
 * handlers may handle one type, and run in registration order for each message. Everything the
 * handler sends through its {@link Context} leaves only after the whole message succeeded (unless
 * it asked for immediate dispatch). Throwing fails the message and hands it to recoverability.
 *
 * <p>A handler registered by instance is shared by all messages, so it must be thread-safe; one
 * registered by factory is created per message, and closed after it if it is {@link AutoCloseable}.
 *
 * @param <T> the message type handled
 */
@FunctionalInterface
public interface Handler<T> {
  /**
   * Handles one message.
   *
   * @param message the deserialized message
   * @param context the message's context: headers, sends, cancellation, attributes
   * @throws Exception to fail the message; it is retried according to the endpoint's recoverability
   */
  void handle(T message, Context context) throws Exception;
}
