package dev.pump.core.spi.pipeline;

/**
 * One link of the ordered chain every message passes through. A link may act before and after
 * {@code next.proceed()}, wrap it (a timer, a transaction), observe or translate its exceptions, or
 * short-circuit by not calling it at all.
 *
 * <p>The built-in links are ordinary middleware with names, in this order: {@value #DESERIALIZE},
 * {@value #DISPATCH_OUTGOING}, {@value #INVOKE_HANDLERS}. Users add their own before or after a
 * named link with {@link PipelineBuilder}. Recoverability is not a link: the pump applies it around
 * the whole chain, so every link's failure is retried alike.
 *
 * <p>A link is shared by all messages, so it must be thread-safe; per-message state belongs in
 * {@link PipelineContext#attributes()}.
 */
@FunctionalInterface
public interface Middleware {
  /**
   * Turns the body into the message object, from the content type and enclosed-types headers. A
   * payload it cannot read, or a type no handler takes, fails the message as unrecoverable.
   */
  String DESERIALIZE = "deserialize";

  /**
   * After the rest of the chain succeeded, hands everything the handlers sent to the transport,
   * grouped by destination, one batch per destination. The storage module puts an outbox link
   * inside it that drains the same buffer into the outbox within the transaction, leaving this one
   * nothing to do.
   */
  String DISPATCH_OUTGOING = "dispatch-outgoing";

  /** Runs every handler registered for the message's type or its supertypes, in order. */
  String INVOKE_HANDLERS = "invoke-handlers";

  /**
   * Processes one message.
   *
   * @param context the message's context
   * @param next the rest of the chain
   * @throws Exception to fail the message
   */
  void invoke(PipelineContext context, Next next) throws Exception;
}
