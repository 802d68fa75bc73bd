package dev.pump.core.internal.pump;

import dev.pump.core.Headers;
import dev.pump.core.internal.concurrent.CancellationSource;
import dev.pump.core.internal.pipeline.Chain;
import dev.pump.core.internal.pipeline.ContextServices;
import dev.pump.core.internal.pipeline.MessageContext;
import dev.pump.core.internal.recoverability.RecoveryActions;
import dev.pump.core.pipeline.IncomingMessage;
import dev.pump.core.recoverability.Attempts;
import dev.pump.core.recoverability.Failure;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.recoverability.RecoveryDecision;
import dev.pump.core.transport.ReceivedMessage;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one received message to the end: runs the pipeline, applies recoverability around it
 * (immediate retries in place, each with a fresh context; delayed retries and the error queue
 * through the transport), and settles the message exactly once. Nothing escapes unobserved: every
 * failure is logged with the message id and decided on.
 */
public final class MessageProcessor {
  private static final Logger log = LoggerFactory.getLogger(MessageProcessor.class);

  /**
   * When recording a failure fails too (the transport is down), the message is abandoned with this
   * delay, so it comes back later instead of spinning through the pipeline.
   */
  static final Duration RECOVERY_FAILURE_DELAY = Duration.ofSeconds(1);

  private final String endpoint;
  private final Chain chain;
  private final ContextServices services;
  private final Recoverability recoverability;
  private final RecoveryActions actions;

  /** Creates it; see the class comment. */
  public MessageProcessor(
      String endpoint,
      Chain chain,
      ContextServices services,
      Recoverability recoverability,
      RecoveryActions actions) {
    this.endpoint = endpoint;
    this.chain = chain;
    this.services = services;
    this.recoverability = recoverability;
    this.actions = actions;
  }

  void process(ReceivedMessage received, CancellationSource cancellation) {
    IncomingMessage incoming =
        new IncomingMessage(
            received.messageId(),
            received.queue(),
            received.headers(),
            received.body(),
            received.deliveryCount());
    int delayedRetries = delayedRetriesMade(received);
    int immediateRetries = 0;
    while (true) {
      Throwable failure = attempt(received, incoming, cancellation);
      if (failure == null) {
        settle(received, "complete", received::complete);
        return;
      }
      if (cancellation.isCancelled()) {
        log.info(
            "Endpoint {} cancelled message {} while stopping; it will be received again",
            endpoint,
            received.messageId());
        abandon(received, Duration.ZERO);
        return;
      }
      if (failure instanceof VirtualMachineError error) {
        abandon(received, Duration.ZERO);
        throw error;
      }
      Thread.interrupted(); // a stray interrupt must not fail the next attempt
      Attempts attempts = new Attempts(immediateRetries, delayedRetries);
      RecoveryDecision decision = decide(received, failure, attempts);
      switch (decision) {
        case RecoveryDecision.RetryImmediately retry -> {
          immediateRetries++;
          log.warn(
              "Endpoint {}: message {} failed, immediate retry {}: {}",
              endpoint,
              received.messageId(),
              immediateRetries,
              failure.toString());
        }
        case RecoveryDecision.RetryDelayed retry -> {
          log.warn(
              "Endpoint {}: message {} failed, delayed retry {} in {}: {}",
              endpoint,
              received.messageId(),
              delayedRetries + 1,
              retry.delay(),
              failure.toString());
          int made = delayedRetries;
          settle(
              received,
              "schedule a delayed retry of",
              () -> actions.retryLater(received, retry.delay(), made));
          return;
        }
        case RecoveryDecision.MoveToErrorQueue park -> {
          log.error(
              "Endpoint {}: message {} failed ({}), moving it to {}",
              endpoint,
              received.messageId(),
              park.reason(),
              actions.errorQueue(),
              failure);
          settle(
              received,
              "move to the error queue",
              () -> actions.moveToErrorQueue(received, failure, park.reason(), attempts));
          return;
        }
      }
    }
  }

  private Throwable attempt(
      ReceivedMessage received, IncomingMessage incoming, CancellationSource cancellation) {
    MessageContext context = new MessageContext(services, incoming, cancellation);
    try {
      cancellation.throwIfCancelled();
      received.contributeAttributes(context.attributes());
      chain.invoke(context);
      return null;
    } catch (Throwable t) {
      return t;
    } finally {
      context.deactivate();
    }
  }

  private RecoveryDecision decide(ReceivedMessage received, Throwable failure, Attempts attempts) {
    try {
      return recoverability.decide(
          new Failure(received.messageId(), received.queue(), received.headers(), failure),
          attempts);
    } catch (RuntimeException e) {
      log.error(
          "Endpoint {}: the recoverability policy failed for message {}; parking it",
          endpoint,
          received.messageId(),
          e);
      return RecoveryDecision.moveToErrorQueue("recoverability-policy-failed");
    }
  }

  private void settle(ReceivedMessage received, String what, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.error(
          "Endpoint {} could not {} message {}; it will be received again",
          endpoint,
          what,
          received.messageId(),
          e);
      abandon(received, RECOVERY_FAILURE_DELAY);
    }
  }

  private void abandon(ReceivedMessage received, Duration delay) {
    try {
      received.abandon(delay);
    } catch (RuntimeException e) {
      log.error(
          "Endpoint {} could not abandon message {}; the transport will redeliver it when its"
              + " lease expires",
          endpoint,
          received.messageId(),
          e);
    }
  }

  private static int delayedRetriesMade(ReceivedMessage received) {
    String value = received.headers().get(Headers.DELAYED_RETRIES);
    if (value == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
