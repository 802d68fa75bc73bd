package dev.pump.opentelemetry;

import dev.pump.core.spi.telemetry.ProcessObservation;
import dev.pump.core.spi.telemetry.ProcessOutcome;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;

/**
 * One message's process span, current on the processing thread from its first attempt until its
 * fate is known. Used by that thread only.
 */
final class ProcessSpan implements ProcessObservation {
  private final Span span;
  private final Scope scope;
  private int attempt = 1;
  private boolean ended;

  ProcessSpan(Span span, Scope scope) {
    this.span = span;
    this.scope = scope;
  }

  @Override
  public void retrying(Throwable failure) {
    // an event, not a recorded exception: the message is not failed yet, only this attempt
    AttributesBuilder attributes =
        Attributes.builder()
            .put(Semconv.ATTEMPT, attempt)
            .put(Semconv.EXCEPTION_TYPE, failure.getClass().getName());
    if (failure.getMessage() != null) {
      attributes.put(Semconv.EXCEPTION_MESSAGE, failure.getMessage());
    }
    span.addEvent(Semconv.RETRY_EVENT, attributes.build());
    attempt++;
  }

  @Override
  public void ended(ProcessOutcome outcome, Throwable failure) {
    if (ended) {
      return;
    }
    ended = true;
    try {
      span.setAttribute(Semconv.OUTCOME, outcome.tag());
      if (failure != null) {
        Semconv.failed(span, failure);
      } else if (outcome == ProcessOutcome.ERROR_QUEUE) {
        // parked before any attempt: too many deliveries, or a message that cannot be stored
        span.setStatus(StatusCode.ERROR, "moved to the error queue");
        span.setAttribute(Semconv.ERROR_TYPE, Semconv.OTHER_ERROR);
      }
    } finally {
      scope.close();
      span.end();
    }
  }
}
