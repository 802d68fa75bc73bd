package dev.pump.core.internal.pump;

import dev.pump.core.Attributes;
import dev.pump.core.internal.pipeline.DefaultAttributes;
import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.spi.pipeline.Batch;
import dev.pump.core.spi.pipeline.IncomingMessage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pump's {@link Batch}: confined to the thread that processes it. */
final class DefaultBatch implements Batch {
  private static final Logger log = LoggerFactory.getLogger(Loggers.MESSAGES);

  private final List<IncomingMessage> messages;
  private final DefaultAttributes attributes = new DefaultAttributes();
  private final List<Runnable> beforeCompletion = new ArrayList<>();
  private final List<Runnable> onEnd = new ArrayList<>();

  DefaultBatch(List<IncomingMessage> messages) {
    this.messages = List.copyOf(messages);
  }

  @Override
  public List<IncomingMessage> messages() {
    return messages;
  }

  @Override
  public Attributes attributes() {
    return attributes;
  }

  @Override
  public void beforeCompletion(Runnable action) {
    beforeCompletion.add(action);
  }

  @Override
  public void onEnd(Runnable action) {
    onEnd.add(action);
  }

  /** Runs the before-completion actions in order; the first failure stops them and is thrown. */
  void runBeforeCompletion() {
    for (Runnable action : List.copyOf(beforeCompletion)) {
      action.run();
    }
  }

  /** Runs the end actions in order; each failure is logged. */
  void end() {
    for (Runnable action : List.copyOf(onEnd)) {
      try {
        action.run();
      } catch (RuntimeException e) {
        log.warn("An action at the end of a batch of {} messages failed", messages.size(), e);
      }
    }
  }
}
