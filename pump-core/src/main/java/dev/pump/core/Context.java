package dev.pump.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * What a handler knows and can do while it handles one message.
 *
 * <p>Sends ({@link MessageSender}) are buffered and leave only after the whole message succeeded,
 * grouped into one batch per destination; if the handler fails, nothing it sent goes out. A send
 * with {@link SendOptions#immediateDispatch()} leaves at once instead, bounded by the endpoint's
 * immediate-dispatch concurrency.
 *
 * <p>The context is thread-safe: a handler may fan work out to other threads and send from them,
 * but only until it returns; afterwards every send throws.
 */
public interface Context extends MessageSender {
  /** The incoming message's id ({@link Headers#MESSAGE_ID}). */
  String messageId();

  /** The incoming message's headers, unmodifiable. */
  Map<String, String> headers();

  /** The name of the endpoint handling the message. */
  String endpointName();

  /**
   * Sends a message to the incoming message's {@link Headers#REPLY_TO} queue.
   *
   * @throws PumpException if the incoming message has no reply-to header
   */
  default void reply(Object message) {
    reply(message, SendOptions.DEFAULT);
  }

  /** Replies with options. */
  void reply(Object message, SendOptions options);

  /** The message's cancellation signal, raised when the endpoint stops and grace ran out. */
  Cancellation cancellation();

  /** Typed slots for storage and middleware, e.g. the open transaction handle. */
  Attributes attributes();

  /**
   * Runs long compute-bound work on the endpoint's bounded pool of platform threads and waits for
   * its result, so that it does not pin the carrier threads every virtual thread (and so the pump)
   * shares. Short computations should just run inline.
   *
   * <p>If the message is cancelled while waiting, the work is interrupted and this throws.
   *
   * @return the work's result
   * @throws Exception whatever the work threw, unwrapped; {@link
   *     java.util.concurrent.CancellationException} if the message was cancelled; {@link
   *     InterruptedException} if this thread was interrupted
   */
  <T> T compute(Callable<T> work) throws Exception;

  /**
   * Waits for a future, typically one completed by a callback-style API, for at most {@code
   * timeout}. On timeout or cancellation of the message the future is cancelled too.
   *
   * @return the future's value
   * @throws java.util.concurrent.TimeoutException if {@code timeout} passed first
   * @throws java.util.concurrent.CancellationException if the message was cancelled first
   * @throws Exception the failure the future completed with, unwrapped
   */
  <T> T await(CompletableFuture<T> future, Duration timeout) throws Exception;
}
