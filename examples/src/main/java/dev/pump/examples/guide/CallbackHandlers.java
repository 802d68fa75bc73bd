package dev.pump.examples.guide;

import dev.pump.core.EndpointBuilder;
import dev.pump.examples.guide.GuideMessages.DocumentScanned;
import dev.pump.examples.guide.GuideMessages.ScanDocument;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Waiting on an API that answers through a callback or an event, with a timeout and stop. */
public final class CallbackHandlers {
  private CallbackHandlers() {}

  /** A scanner that reports its result to a listener, some time later, on a thread of its own. */
  public interface Scanner {
    /** Starts scanning; {@code done} is called once with the text. */
    void scan(String documentId, Consumer<String> done);

    /** Gives up on a scan. */
    void cancel(String documentId);
  }

  /** Registers a handler that waits for the scanner's callback. */
  public static EndpointBuilder register(EndpointBuilder builder, Scanner scanner) {
    // docs:callback
    return builder.handler(
        ScanDocument.class,
        (scan, context) -> {
          CompletableFuture<String> text = new CompletableFuture<>();
          text.whenComplete((value, failure) -> {
            if (text.isCancelled()) {
              scanner.cancel(scan.documentId()); // timed out, or the endpoint is stopping
            }
          });
          scanner.scan(scan.documentId(), text::complete);
          // waits without a thread of its own; cancels the future on timeout or on stop
          String result = context.await(text, Duration.ofSeconds(30));
          context.reply(new DocumentScanned(scan.documentId(), result));
        });
    // docs:end
  }
}
