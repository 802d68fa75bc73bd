package dev.pump.core.internal.pump;

// This file is long because it is one message's whole fate: its attempts, the recoverability
// decision and every settle path, read together to see that a message is settled exactly once.

import dev.pump.core.Headers;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.PumpException;
import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.internal.concurrent.CancellationSource;
import dev.pump.core.internal.pipeline.Chain;
import dev.pump.core.internal.pipeline.ContextServices;
import dev.pump.core.internal.pipeline.MessageContext;
import dev.pump.core.internal.recoverability.RecoveryActions;
import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.recoverability.Attempts;
import dev.pump.core.recoverability.Failure;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.recoverability.RecoveryDecision;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.pipeline.IncomingMessage;
import dev.pump.core.spi.pipeline.PendingMessage;
import dev.pump.core.spi.telemetry.ProcessOutcome;
import dev.pump.core.spi.telemetry.Telemetry;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one received message to the end: runs the pipeline, applies recoverability around it
 * (immediate retries in place, each with a fresh context; delayed retries and the error queue
 * through the transport), and settles the message at most once. Nothing escapes unobserved: every
 * failure is logged with the message id and decided on.
 *
 * <p>Settling follows one rule: the first settle call wins. If {@code complete()} or an atomic move
 * fails, the message is not abandoned afterwards (that would be a nack after a possible ack, or a
 * second live copy); the transport's lease or connection gives it back. Only when nothing was
 * settled yet (the copy for a retry or the error queue could not be sent) is it abandoned, with a
 * delay. Every settle outcome feeds the circuit breaker.
 */
public final class MessageProcessor {
  private static final Logger log = LoggerFactory.getLogger(Loggers.MESSAGES);

  /**
   * When recording a failure fails too (the transport is down) before anything was settled, the
   * message is abandoned with this delay, so it comes back later instead of spinning.
   */
  static final Duration RECOVERY_FAILURE_DELAY = Duration.ofSeconds(1);

  /**
   * A virtual machine error other than a stack overflow (out of memory, an internal error) gives
   * the message back with this delay and is rethrown: the process may be unable to go on, and an
   * immediate redelivery would only meet the same state.
   */
  static final Duration FATAL_ERROR_DELAY = Duration.ofSeconds(5);

  private final String endpoint;
  private final Chain chain;
  private final ContextServices services;
  private final Recoverability recoverability;
  private final RecoveryActions actions;
  private final ReceiveCircuitBreaker breaker;
  private final Telemetry telemetry;
  private final String system;

  /** Creates it; see the class comment. */
  public MessageProcessor(
      String endpoint,
      Chain chain,
      ContextServices services,
      Recoverability recoverability,
      RecoveryActions actions,
      ReceiveCircuitBreaker breaker,
      Telemetry telemetry,
      String system) {
    this.endpoint = endpoint;
    this.chain = chain;
    this.services = services;
    this.recoverability = recoverability;
    this.actions = actions;
    this.breaker = breaker;
    this.telemetry = telemetry;
    this.system = system;
  }

  /** What became of one message of a batch. */
  enum Outcome {
    /** Its handlers succeeded: it is completed once the whole batch is done. */
    HANDLED,
    /** It went through recoverability and is settled (or given back) already. */
    SETTLED,
    /** Stop cancelled it: it is given back with the rest of the batch. */
    CANCELLED
  }

  /**
   * Processes the messages of one receive in order, as one batch: see {@link BatchRun}. Every
   * message is settled exactly once, whatever is thrown.
   */
  void process(List<ReceivedMessage> delivered, InFlight inFlight) {
    new BatchRun(this, endpoint, inFlight).run(delivered);
  }

  /** The most deliveries a message may have had and still run. */
  int maxDeliveries() {
    return recoverability.maxDeliveries();
  }

  /** Counts a settle that failed, for the circuit breaker. */
  void settleFailed(RuntimeException e) {
    breaker.settleFailed(e);
  }

  /**
   * Runs one message's attempts, with immediate retries in place; a failure that recoverability
   * moves on (a delayed retry, the error queue) is settled here.
   */
  Outcome processOne(
      SettlingMessage received, IncomingMessage incoming, InFlight inFlight, DefaultBatch batch) {
    ObservedMessage observed =
        new ObservedMessage(telemetry.processing(endpoint, system, incoming), endpoint, incoming);
    Throwable thrown = null;
    try {
      return processObserved(received, incoming, inFlight, batch, observed);
    } catch (Throwable t) {
      thrown = t;
      throw t;
    } finally {
      observed.close(thrown);
    }
  }

  private Outcome processObserved(
      SettlingMessage received,
      IncomingMessage incoming,
      InFlight inFlight,
      DefaultBatch batch,
      ObservedMessage observed) {
    CancellationSource cancellation = inFlight.cancellation();
    int delayedRetries = IncomingChecks.delayedRetriesMade(received.headers());
    if (received.deliveryCount() > recoverability.maxDeliveries()) {
      parkUnhandled(received, inFlight, new Attempts(0, delayedRetries));
      observed.ended(ProcessOutcome.ERROR_QUEUE, null);
      return Outcome.SETTLED;
    }
    String unstorable = IncomingChecks.unstorable(received);
    if (unstorable != null) {
      UnrecoverableMessageException failure = new UnrecoverableMessageException(unstorable);
      park(
          received,
          inFlight,
          failure,
          Recoverability.REASON_UNRECOVERABLE,
          new Attempts(0, delayedRetries));
      observed.ended(ProcessOutcome.ERROR_QUEUE, failure);
      return Outcome.SETTLED;
    }
    int immediateRetries = 0;
    while (true) {
      Throwable failure = attempt(received, incoming, cancellation, batch);
      if (cancellation.isCancelled()) {
        log.info(
            "Endpoint {} cancelled message {} while stopping; it will be received again",
            endpoint,
            received.messageId());
        observed.ended(ProcessOutcome.GIVEN_BACK, failure);
        return Outcome.CANCELLED;
      }
      if (failure == null) {
        observed.ended(ProcessOutcome.HANDLED, null);
        return Outcome.HANDLED;
      }
      if (failure instanceof VirtualMachineError error
          && !(failure instanceof StackOverflowError)) {
        // A stack overflow is the handler's own recursion: an ordinary failure, decided below.
        log.error(
            "Endpoint {}: message {} failed with a virtual machine error; giving it back for {}",
            endpoint,
            received.messageId(),
            FATAL_ERROR_DELAY,
            error);
        abandon(received, inFlight, FATAL_ERROR_DELAY);
        throw error;
      }
      Thread.interrupted(); // a stray interrupt must not fail the next attempt
      Attempts attempts = new Attempts(immediateRetries, delayedRetries);
      RecoveryDecision decision = decide(received, failure, attempts);
      switch (decision) {
        case RecoveryDecision.RetryImmediately retry -> {
          immediateRetries++;
          observed.retrying(failure, immediateRetries);
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
          boolean parked = retryLater(received, inFlight, failure, retry, attempts);
          observed.ended(
              parked ? ProcessOutcome.ERROR_QUEUE : ProcessOutcome.DELAYED_RETRY, failure);
          return Outcome.SETTLED;
        }
        case RecoveryDecision.MoveToErrorQueue park -> {
          park(received, inFlight, failure, park.reason(), attempts);
          observed.ended(ProcessOutcome.ERROR_QUEUE, failure);
          return Outcome.SETTLED;
        }
      }
    }
  }

  /**
   * Schedules a delayed retry. When the retry cannot be stored, and never will be (the storage
   * reports an {@link UnrecoverableMessageException}), the message is parked with that cause at
   * once: giving it back would only meet the same failure on every delivery. Returns whether it was
   * parked.
   */
  private boolean retryLater(
      SettlingMessage received,
      InFlight inFlight,
      Throwable failure,
      RecoveryDecision.RetryDelayed retry,
      Attempts attempts) {
    RuntimeException refused =
        settle(
            received,
            inFlight,
            "schedule a delayed retry of",
            () -> actions.retryLater(received, retry.delay(), attempts.delayedRetries()),
            recoverability::isUnrecoverable);
    if (refused != null) {
      refused.addSuppressed(failure);
      park(received, inFlight, refused, Recoverability.REASON_UNRECOVERABLE, attempts);
      return true;
    }
    return false;
  }

  private void park(
      SettlingMessage received,
      InFlight inFlight,
      Throwable failure,
      String reason,
      Attempts attempts) {
    log.error(
        "Endpoint {}: message {} failed ({}), moving it to {}",
        endpoint,
        Headers.storable(received.messageId()),
        reason,
        actions.errorQueue(),
        failure);
    settle(
        received,
        inFlight,
        "move to the error queue",
        () -> actions.moveToErrorQueue(received, failure, reason, attempts));
  }

  // A message delivered too often crashed a process, or could not be settled, that many times:
  // it is parked without running the handlers again.
  private void parkUnhandled(SettlingMessage received, InFlight inFlight, Attempts attempts) {
    PumpException failure =
        new PumpException(
            "message "
                + received.messageId()
                + " from "
                + received.queue()
                + " was delivered "
                + received.deliveryCount()
                + " times, more than recoverability.maxDeliveries ("
                + recoverability.maxDeliveries()
                + "); it was not handled again, since it may crash the process or fail to settle");
    log.error(
        "Endpoint {}: {}; moving it to {}", endpoint, failure.getMessage(), actions.errorQueue());
    settle(
        received,
        inFlight,
        "move to the error queue",
        () ->
            actions.moveToErrorQueue(
                received, failure, Recoverability.REASON_TOO_MANY_DELIVERIES, attempts));
  }

  private Throwable attempt(
      ReceivedMessage received,
      IncomingMessage incoming,
      CancellationSource cancellation,
      DefaultBatch batch) {
    MessageContext context = new MessageContext(services, incoming, cancellation, batch);
    try {
      cancellation.throwIfCancelled();
      received.contributeAttributes(context.attributes());
      chain.invoke(context);
      // Sealed once the whole chain returned: whatever is still buffered was sent after
      // dispatch-outgoing (or the outbox) drained the buffer, and would silently never leave.
      List<PendingMessage> late = context.sealOutgoing();
      if (!late.isEmpty()) {
        return lateSends(incoming, late);
      }
      return null;
    } catch (Throwable t) {
      return t;
    } finally {
      context.deactivate();
    }
  }

  private static PumpConfigurationException lateSends(
      IncomingMessage incoming, List<PendingMessage> late) {
    PendingMessage first = late.getFirst();
    return new PumpConfigurationException(
        "while handling message "
            + incoming.messageId()
            + ", "
            + late.size()
            + " message(s) (the first "
            + first.message().messageId()
            + " to "
            + first.destination()
            + ") were sent after the outgoing buffer was drained, so they would never leave;"
            + " a middleware must send before next.proceed() returns, or sit inside "
            + "dispatch-outgoing, and a handler must not send from threads that outlive it");
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

  void settle(SettlingMessage received, InFlight inFlight, String what, Runnable action) {
    settle(received, inFlight, what, action, e -> false);
  }

  /**
   * Runs a settle action. A failure that {@code permanent} accepts, before anything was settled, is
   * returned for the caller to decide on; any other failure is logged and, if nothing was settled
   * yet, the message is given back. Returns null when the action succeeded or was handled.
   */
  private RuntimeException settle(
      SettlingMessage received,
      InFlight inFlight,
      String what,
      Runnable action,
      Predicate<Throwable> permanent) {
    // Sending a retry or error-queue copy is settling too: the same connection may carry it.
    inFlight.beginSettling();
    boolean interrupted = Thread.interrupted();
    try {
      action.run();
      breaker.settled();
      return null;
    } catch (RuntimeException e) {
      if (!received.settleCalled() && permanent.test(e)) {
        return e;
      }
      breaker.settleFailed(e);
      if (received.settleCalled()) {
        log.error(
            "Endpoint {} could not {} message {}; it is not settled again (the first settle call"
                + " wins): the transport gives it back when its lease or connection ends",
            endpoint,
            what,
            received.messageId(),
            e);
      } else {
        log.error(
            "Endpoint {} could not {} message {} before anything was settled; giving it back"
                + " for {}",
            endpoint,
            what,
            received.messageId(),
            RECOVERY_FAILURE_DELAY,
            e);
        abandon(received, inFlight, RECOVERY_FAILURE_DELAY);
      }
      return null;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  void abandon(SettlingMessage received, InFlight inFlight, Duration delay) {
    inFlight.beginSettling();
    try {
      received.abandon(delay);
      breaker.settled();
    } catch (RuntimeException e) {
      breaker.settleFailed(e);
      log.error(
          "Endpoint {} could not abandon message {}; the transport will redeliver it when its"
              + " lease expires",
          endpoint,
          received.messageId(),
          e);
    }
  }
}
