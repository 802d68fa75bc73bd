package dev.pump.core.recoverability;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.internal.shared.Problems;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * How an endpoint recovers from failed messages: immediate retries, then delayed retries with a
 * linear back-off, then the error queue, which keeps the message and why it failed. Exceptions
 * classified as unrecoverable skip the retries. Immutable and thread-safe.
 *
 * <p>The defaults: {@value #DEFAULT_IMMEDIATE_RETRIES} immediate retries, {@value
 * #DEFAULT_DELAYED_RETRIES} delayed rounds at {@link #DEFAULT_DELAYED_RETRY_INCREMENT} × round
 * capped at {@link #DEFAULT_MAX_DELAY}, error queue {@value #DEFAULT_ERROR_QUEUE}: a message gets
 * 24 attempts over about a minute before it is parked. {@link UnrecoverableMessageException} and
 * its subclasses (deserialization and serialization failures, no handler) and {@link
 * PumpConfigurationException} (no route for a send, a delay the transport cannot honour, a message
 * sent after the buffer was drained) are always unrecoverable: retrying cannot fix them.
 *
 * <p>A message the transport delivered more than {@value #DEFAULT_MAX_DELIVERIES} times ({@link
 * Builder#maxDeliveries}) is parked without running its handlers, with reason {@value
 * #REASON_TOO_MANY_DELIVERIES}: immediate retries do not count as deliveries, so a count that high
 * means the message crashed the process, or could not be settled, again and again.
 */
public final class Recoverability {
  /** Immediate retries per round: 5. */
  public static final int DEFAULT_IMMEDIATE_RETRIES = 5;

  /** Delayed retry rounds: 3. */
  public static final int DEFAULT_DELAYED_RETRIES = 3;

  /** Round {@code n} of delayed retries waits {@code n} times this: 10 seconds. */
  public static final Duration DEFAULT_DELAYED_RETRY_INCREMENT = Duration.ofSeconds(10);

  /** The longest delay of a delayed retry: 24 hours. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofHours(24);

  /** Where messages that cannot be processed are parked: {@code error}. */
  public static final String DEFAULT_ERROR_QUEUE = "error";

  /** The failure reason of a message whose exception was classified unrecoverable. */
  public static final String REASON_UNRECOVERABLE = "unrecoverable";

  /** The failure reason of a message that failed every retry. */
  public static final String REASON_RETRIES_EXHAUSTED = "retries-exhausted";

  /** The failure reason of a message delivered more often than {@link #maxDeliveries()}. */
  public static final String REASON_TOO_MANY_DELIVERIES = "too-many-deliveries";

  /** Deliveries of one message after which it is parked unhandled: 50. */
  public static final int DEFAULT_MAX_DELIVERIES = 50;

  /** The most immediate retries, and delayed rounds, a configuration may ask for: 1000. */
  public static final int MAX_RETRIES = 1000;

  private static final int MAX_MAX_DELIVERIES = 100_000;

  private final int immediateRetries;
  private final int delayedRetries;
  private final Duration delayedRetryIncrement;
  private final Duration maxDelay;
  private final String errorQueue;
  private final int maxDeliveries;
  private final Set<Class<? extends Throwable>> unrecoverable;
  private final RecoverabilityPolicy policy;

  private Recoverability(Builder b) {
    this.immediateRetries = b.immediateRetries;
    this.delayedRetries = b.delayedRetries;
    this.delayedRetryIncrement = b.delayedRetryIncrement;
    this.maxDelay = b.maxDelay;
    this.errorQueue = b.errorQueue;
    this.maxDeliveries = b.maxDeliveries;
    this.unrecoverable = Set.copyOf(b.unrecoverable);
    this.policy =
        b.policy != null
            ? b.policy
            : RecoverabilityPolicy.standard(
                immediateRetries, delayedRetries, delayedRetryIncrement, maxDelay);
  }

  /** Returns a builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the defaults described in the class comment. */
  public static Recoverability defaults() {
    return builder().build();
  }

  /** Returns settings that send every failed message straight to the error queue. */
  public static Recoverability noRetries() {
    return builder().immediateRetries(0).delayedRetries(0).build();
  }

  /**
   * Decides what happens after a failed attempt: unrecoverable failures go to the error queue,
   * everything else is up to the policy.
   */
  public RecoveryDecision decide(Failure failure, Attempts attempts) {
    if (isUnrecoverable(failure.exception())) {
      return RecoveryDecision.moveToErrorQueue(REASON_UNRECOVERABLE);
    }
    RecoveryDecision decision = policy.decide(failure, attempts);
    if (decision == null) {
      throw new NullPointerException(
          "the recoverability policy returned null for message "
              + failure.messageId()
              + " from "
              + failure.queue()
              + " after "
              + attempts);
    }
    return decision;
  }

  /**
   * Returns whether {@code exception}, or any exception in its cause chain, is of an unrecoverable
   * type.
   */
  public boolean isUnrecoverable(Throwable exception) {
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = exception; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof UnrecoverableMessageException || t instanceof PumpConfigurationException) {
        return true;
      }
      for (Class<? extends Throwable> type : unrecoverable) {
        if (type.isInstance(t)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Immediate retries per round. */
  public int immediateRetries() {
    return immediateRetries;
  }

  /** Delayed retry rounds. */
  public int delayedRetries() {
    return delayedRetries;
  }

  /** The back-off step of delayed retries. */
  public Duration delayedRetryIncrement() {
    return delayedRetryIncrement;
  }

  /** The cap on a delayed retry's delay. */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** The error queue's name. */
  public String errorQueue() {
    return errorQueue;
  }

  /** Deliveries of one message after which it is parked without running its handlers. */
  public int maxDeliveries() {
    return maxDeliveries;
  }

  /**
   * The longest time from a message's first failure to its last delayed retry: the sum of the
   * delayed rounds' delays (each capped at {@link #maxDelay()}). A custom policy may delay any
   * round up to the cap, so it counts every round at the cap. A duplicate of the message can arrive
   * until then, so an inbox must remember it at least this long.
   */
  public Duration retryHorizon() {
    Duration total = Duration.ZERO;
    for (int round = 1; round <= delayedRetries; round++) {
      Duration delay =
          policy instanceof CustomPolicyMarker
              ? maxDelay
              : delayedRetryIncrement.multipliedBy(round);
      total = total.plus(delay.compareTo(maxDelay) < 0 ? delay : maxDelay);
    }
    return total;
  }

  /**
   * Whether this configuration may ever ask for a delayed retry, which needs a transport with
   * delayed delivery. A custom policy is assumed to.
   */
  public boolean mayRetryDelayed() {
    return policy instanceof CustomPolicyMarker || delayedRetries > 0;
  }

  /** Builds {@link Recoverability}. Not thread-safe. */
  public static final class Builder {
    private int immediateRetries = DEFAULT_IMMEDIATE_RETRIES;
    private int delayedRetries = DEFAULT_DELAYED_RETRIES;
    private Duration delayedRetryIncrement = DEFAULT_DELAYED_RETRY_INCREMENT;
    private Duration maxDelay = DEFAULT_MAX_DELAY;
    private String errorQueue = DEFAULT_ERROR_QUEUE;
    private int maxDeliveries = DEFAULT_MAX_DELIVERIES;
    private final Set<Class<? extends Throwable>> unrecoverable = new LinkedHashSet<>();
    private RecoverabilityPolicy policy;

    private Builder() {}

    /** Immediate retries per round, 0 to 1000; default {@value #DEFAULT_IMMEDIATE_RETRIES}. */
    public Builder immediateRetries(int immediateRetries) {
      this.immediateRetries = immediateRetries;
      return this;
    }

    /** Delayed retry rounds, 0 to 1000; default {@value #DEFAULT_DELAYED_RETRIES}. */
    public Builder delayedRetries(int delayedRetries) {
      this.delayedRetries = delayedRetries;
      return this;
    }

    /**
     * The linear back-off step: round {@code n} waits {@code n} times this; positive; default
     * {@link #DEFAULT_DELAYED_RETRY_INCREMENT}.
     */
    public Builder delayedRetryIncrement(Duration increment) {
      this.delayedRetryIncrement = increment;
      return this;
    }

    /** The cap on a delayed retry's delay; positive; default {@link #DEFAULT_MAX_DELAY}. */
    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
      return this;
    }

    /**
     * The error queue's name, a valid {@link Names name}; default {@value #DEFAULT_ERROR_QUEUE}.
     */
    public Builder errorQueue(String errorQueue) {
      this.errorQueue = errorQueue;
      return this;
    }

    /**
     * How many times the transport may deliver one message before it is parked, unhandled, with
     * reason {@value #REASON_TOO_MANY_DELIVERIES}; 1 to 100000, default {@value
     * #DEFAULT_MAX_DELIVERIES}. Immediate retries run in place and are not deliveries; a delivery
     * is counted each time the message comes back after a crash, a stop, an expired lease or a
     * failed acknowledgement. There is no "unlimited": a message that kills the process must not
     * kill it forever. Where the transport's count also includes messages pushed to a process that
     * never received them (RabbitMQ's prefetch), an endpoint with a storage counts redeliveries
     * itself, in the storage, as each starts.
     */
    public Builder maxDeliveries(int maxDeliveries) {
      this.maxDeliveries = maxDeliveries;
      return this;
    }

    /**
     * Adds exception types that skip every retry (matched against the exception and its causes).
     * Default: only {@link UnrecoverableMessageException} and {@link PumpConfigurationException},
     * which are always included.
     */
    @SafeVarargs
    public final Builder unrecoverable(Class<? extends Throwable>... types) {
      for (Class<? extends Throwable> type : types) {
        unrecoverable.add(type);
      }
      return this;
    }

    /**
     * Replaces the standard retry rules with a custom policy; unrecoverable exceptions still go
     * straight to the error queue. Default: {@link RecoverabilityPolicy#standard} with this
     * builder's counts. Delegate to {@code standard(...)} for the cases the policy does not care
     * about.
     */
    public Builder policy(RecoverabilityPolicy policy) {
      this.policy = policy == null ? null : new CustomPolicyMarker(policy);
      return this;
    }

    /**
     * Returns the settings.
     *
     * @throws PumpConfigurationException naming every invalid setting and its value
     */
    public Recoverability build() {
      Problems problems = new Problems();
      problems
          .range("recoverability.immediateRetries", immediateRetries, 0, MAX_RETRIES)
          .range("recoverability.delayedRetries", delayedRetries, 0, MAX_RETRIES)
          .positive("recoverability.delayedRetryIncrement", delayedRetryIncrement)
          .positive("recoverability.maxDelay", maxDelay)
          .range("recoverability.maxDeliveries", maxDeliveries, 1, MAX_MAX_DELIVERIES)
          .name("recoverability.errorQueue", errorQueue);
      if (unrecoverable.contains(null)) {
        problems.add("recoverability.unrecoverable must not contain null");
      }
      problems.throwIfAny();
      return new Recoverability(this);
    }
  }

  // Remembers that the policy is the user's, so mayRetryDelayed() cannot rule delays out.
  private record CustomPolicyMarker(RecoverabilityPolicy delegate) implements RecoverabilityPolicy {
    @Override
    public RecoveryDecision decide(Failure failure, Attempts attempts) {
      return delegate.decide(failure, attempts);
    }
  }
}
