package dev.pump.core.internal.pump;

import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.pipeline.IncomingMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages of one receive, processed in order as one batch (see {@link
 * dev.pump.core.spi.pipeline.Batch}): each message runs its attempts alone through the {@link
 * MessageProcessor}; one that fails goes through recoverability at once; the handled ones are
 * completed only after every message was processed and the batch's before-completion actions (the
 * storage's commit) succeeded. If stop cancels the batch, or those actions fail, every message not
 * yet settled is given back. Confined to the batch's thread.
 */
final class BatchRun {
  private static final Logger log = LoggerFactory.getLogger(Loggers.MESSAGES);

  private final MessageProcessor processor;
  private final String endpoint;
  private final InFlight inFlight;

  BatchRun(MessageProcessor processor, String endpoint, InFlight inFlight) {
    this.processor = processor;
    this.endpoint = endpoint;
    this.inFlight = inFlight;
  }

  /** Processes {@code delivered}, and settles every one of them, whatever is thrown. */
  void run(List<ReceivedMessage> delivered) {
    List<SettlingMessage> received = new ArrayList<>(delivered.size());
    for (ReceivedMessage message : delivered) {
      received.add(new SettlingMessage(message, inFlight));
    }
    List<IncomingMessage> incoming = new ArrayList<>(delivered.size());
    List<IncomingMessage> runnable = new ArrayList<>(delivered.size());
    try {
      for (SettlingMessage settling : received) {
        IncomingMessage in =
            new IncomingMessage(
                settling.messageId(),
                settling.queue(),
                settling.headers(),
                settling.body(),
                settling.deliveryCount());
        incoming.add(in);
        if (settling.deliveryCount() <= processor.maxDeliveries()
            && IncomingChecks.unstorable(settling) == null) {
          runnable.add(in); // the others are parked without running: no storage sees them
        }
      }
    } catch (RuntimeException e) {
      // a transport's message that cannot even be read: every message of the batch goes back
      log.error("Endpoint {} could not read {}; giving it back", endpoint, inFlight.label(), e);
      received.forEach(
          message -> processor.abandon(message, inFlight, MessageProcessor.RECOVERY_FAILURE_DELAY));
      return;
    }
    DefaultBatch batch = new DefaultBatch(runnable);
    List<SettlingMessage> handled = new ArrayList<>(delivered.size());
    int next = 0;
    try {
      for (; next < received.size(); next++) {
        if (next > 0) {
          if (!inFlight.beginRunningUnlessCancelled()) {
            break;
          }
          // an interrupt a handler left set would close the connection the batch shares
          Thread.interrupted();
        }
        MessageProcessor.Outcome outcome =
            processor.processOne(received.get(next), incoming.get(next), inFlight, batch);
        if (outcome == MessageProcessor.Outcome.HANDLED) {
          handled.add(received.get(next));
        } else if (outcome == MessageProcessor.Outcome.CANCELLED) {
          processor.abandon(received.get(next), inFlight, Duration.ZERO);
          next++;
          break;
        }
      }
      complete(received, handled, next, batch);
    } finally {
      // a virtual machine error thrown out of processOne: what is left goes back
      for (SettlingMessage message : received) {
        if (!message.settleCalled()) {
          processor.abandon(message, inFlight, MessageProcessor.FATAL_ERROR_DELAY);
        }
      }
      batch.end();
    }
  }

  /**
   * Ends a batch whose messages up to {@code processed} ran: completes the handled ones once the
   * before-completion actions succeeded; gives them back if stop cancelled the batch or the actions
   * failed, and gives back the ones that never ran.
   */
  private void complete(
      List<SettlingMessage> received,
      List<SettlingMessage> handled,
      int processed,
      DefaultBatch batch) {
    boolean allRan = processed == received.size();
    if (allRan && inFlight.beginSettlingUnlessCancelled()) {
      try {
        if (!handled.isEmpty()) {
          batch.runBeforeCompletion();
        }
      } catch (RuntimeException e) {
        processor.settleFailed(e);
        log.error(
            "Endpoint {} could not commit the {} handled messages of a batch (the first {});"
                + " giving them back for {}: each comes back alone",
            endpoint,
            handled.size(),
            handled.getFirst().messageId(),
            MessageProcessor.RECOVERY_FAILURE_DELAY,
            e);
        handled.forEach(message ->
            processor.abandon(message, inFlight, MessageProcessor.RECOVERY_FAILURE_DELAY));
        return;
      }
      for (SettlingMessage message : handled) {
        processor.settle(message, inFlight, "complete", message::complete);
      }
      return;
    }
    // A batch cancelled by stop never settles as handled, even if its handlers ignored the
    // cancellation and returned: stop may have returned already, and nothing of the endpoint
    // may commit after that.
    int givenBack = handled.size() + received.size() - processed;
    if (givenBack == 0) {
      return;
    }
    log.info(
        "Endpoint {} cancelled {} while stopping; {} message(s) will be received again",
        endpoint,
        inFlight.label(),
        givenBack);
    handled.forEach(message -> processor.abandon(message, inFlight, Duration.ZERO));
    for (SettlingMessage message : received.subList(processed, received.size())) {
      processor.abandon(message, inFlight, Duration.ZERO);
    }
  }
}
