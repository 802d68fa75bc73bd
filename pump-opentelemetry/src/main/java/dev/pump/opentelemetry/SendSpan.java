package dev.pump.opentelemetry;

import dev.pump.core.spi.telemetry.SendObservation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;

/** One batch's send span, current on the sending thread while the transport works. */
final class SendSpan implements SendObservation {
  private final Span span;
  private final Scope scope;

  SendSpan(Span span, Scope scope) {
    this.span = span;
    this.scope = scope;
  }

  @Override
  public void ended(Throwable failure) {
    try {
      if (failure != null) {
        Semconv.failed(span, failure);
      }
    } finally {
      scope.close();
      span.end();
    }
  }
}
