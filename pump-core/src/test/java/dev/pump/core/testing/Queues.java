package dev.pump.core.testing;

import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads queues in tests. */
public final class Queues {
  private Queues() {}

  /** Receives and completes every message visible in {@code queue} now. */
  public static List<ReceivedMessage> drain(Transport transport, String queue) {
    List<ReceivedMessage> messages = new ArrayList<>();
    try {
      for (Optional<ReceivedMessage> m = transport.receive(queue, Duration.ZERO);
          m.isPresent();
          m = transport.receive(queue, Duration.ZERO)) {
        m.get().complete();
        messages.add(m.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return messages;
  }
}
