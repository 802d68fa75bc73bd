package dev.pump.core.internal.endpoint;

import dev.pump.core.Endpoint.CriticalError;
import dev.pump.core.Headers;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.routing.HandlerRegistration;
import dev.pump.core.internal.routing.MessageTypes;
import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.internal.shared.Problems;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.LoggerFactory;

/** The checks of an endpoint's settings at {@code build()}: every problem is named at once. */
public final class EndpointChecks {
  /** The most messages in flight, and immediate sends per message, an endpoint allows. */
  public static final int MAX_CONCURRENCY = 10_000;

  private EndpointChecks() {}

  /**
   * Adds the problems of {@code settings} to those the builder found while it was set up, and
   * throws if there are any.
   *
   * @param inputQueueSet whether the input queue was set, rather than taken from the name
   * @throws PumpConfigurationException naming every problem
   */
  public static void check(EndpointSettings settings, boolean inputQueueSet, Problems problems) {
    problems.name("endpoint.name", settings.name());
    if (inputQueueSet) {
      problems.name("endpoint.inputQueue", settings.inputQueue());
    }
    problems.required("endpoint.transport", settings.transport());
    problems.required("endpoint.serializer", settings.serializer());
    problems.required("endpoint.clock", settings.clock());
    problems.required("endpoint.recoverability", settings.recoverability());
    problems.required("endpoint.onCriticalError", settings.onCriticalError());
    problems
        .range("endpoint.concurrency", settings.concurrency(), 1, MAX_CONCURRENCY)
        .range("endpoint.messagesPerTransaction", settings.messagesPerTransaction(), 1, 60)
        .range(
            "endpoint.batchFillWait",
            settings.batchFillWait(),
            Duration.ZERO,
            Duration.ofSeconds(10))
        .range("endpoint.computeThreads", settings.computeThreads(), 1, 1024)
        .range(
            "endpoint.immediateDispatchConcurrency",
            settings.immediateDispatchConcurrency(),
            1,
            MAX_CONCURRENCY)
        .range("endpoint.maxBatchMessages", settings.maxBatchMessages(), 1, 100_000)
        .range("endpoint.maxBatchBytes", settings.maxBatchBytes(), 1024, 64 * 1024 * 1024)
        .range("endpoint.circuitBreakerThreshold", settings.circuitBreakerThreshold(), 1, 1_000_000)
        .range(
            "endpoint.receiveWait",
            settings.receiveWait(),
            Duration.ofMillis(1),
            Duration.ofMinutes(5))
        .positive("endpoint.stopGrace", settings.stopGrace())
        .positive("endpoint.cancellationGrace", settings.cancellationGrace())
        .positive("endpoint.receiveBackoff", settings.receiveBackoff())
        .positive("endpoint.maxReceiveBackoff", settings.maxReceiveBackoff());
    Duration backoff = settings.receiveBackoff();
    Duration maxBackoff = settings.maxReceiveBackoff();
    if (backoff != null && maxBackoff != null && maxBackoff.compareTo(backoff) < 0) {
      problems.add(
          "endpoint.maxReceiveBackoff must not be shorter than endpoint.receiveBackoff ("
              + backoff
              + "), was "
              + maxBackoff);
    }
    settings
        .routes()
        .forEach((type, destination) ->
            problems.name("endpoint.route for " + type.getName(), destination));
    readProblems(settings, problems);
    storageProblems(settings, problems);
    problems.throwIfAny();
  }

  /**
   * The problem of handling a JDK type, or null: a sender names the class to instantiate in a
   * header, and a handler for one would let it pick any class on the class path.
   */
  public static String handledTypeProblem(String property, Class<?> type) {
    if (!MessageTypes.isJdk(type)) {
      return null;
    }
    return property
        + " must be for one of the application's own message types, was "
        + type.getName()
        + ": a JDK type would let a sender pick any class on the class path through "
        + Headers.ENCLOSED_TYPES
        + "; handle a common interface of your messages instead";
  }

  /** What an endpoint does with a critical error when the application gives no callback. */
  public static void logCriticalError(CriticalError error) {
    LoggerFactory.getLogger(Loggers.ENDPOINT)
        .error("Critical error in endpoint {}: {}", error.endpoint(), error.description());
  }

  /** Every concrete handled type the serializer could never read is a problem found at build. */
  private static void readProblems(EndpointSettings settings, Problems problems) {
    if (settings.serializer() == null) {
      return;
    }
    Set<Class<?>> checked = new HashSet<>();
    for (HandlerRegistration<?> registration : settings.handlers()) {
      Class<?> type = registration.type();
      // an interface or abstract handled type is read as the concrete type a message names
      if (type.isInterface()
          || Modifier.isAbstract(type.getModifiers())
          || type.isPrimitive()
          || !checked.add(type)) {
        continue;
      }
      String problem = settings.serializer().readProblem(type);
      if (problem != null) {
        problems.add("endpoint.handler for " + type.getName() + ": " + problem);
      }
    }
  }

  private static void storageProblems(EndpointSettings settings, Problems problems) {
    boolean handles = !settings.handlers().isEmpty();
    // an endpoint without handlers only sends (e.g. from web requests): it never retries
    if (settings.transport() != null
        && handles
        && settings.recoverability() != null
        && settings.recoverability().mayRetryDelayed()
        && !settings.transport().capabilities().delayedDelivery()
        && (settings.storage() == null || !settings.storage().holdsDelayedMessages())) {
      problems.add(
          "endpoint.recoverability has delayed retries, but the transport "
              + settings.transport().getClass().getSimpleName()
              + " has no delayed delivery and no storage holds delayed messages;"
              + " set delayedRetries(0) or add an outbox with storage(...)");
    }
    if (settings.storage() == null || settings.name() == null) {
      return;
    }
    if (settings.recoverability() != null) {
      try {
        settings
            .storage()
            .checkRetryHorizon(settings.name(), settings.recoverability().retryHorizon());
      } catch (PumpConfigurationException e) {
        problems.add(e.getMessage());
      }
    }
    if (handles) {
      try {
        settings
            .storage()
            .checkConcurrency(settings.name(), settings.concurrency(), settings.transport());
      } catch (PumpConfigurationException e) {
        problems.add(e.getMessage());
      }
    }
  }
}
