package dev.pump.core.internal.shared;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.TransportException;
import java.util.List;

/** The check every transport makes before it takes a batch: no body larger than it accepts. */
public final class MessageSizes {
  private MessageSizes() {}

  /**
   * Refuses a batch holding a body larger than {@code maxBytes}.
   *
   * @param destination where the batch goes, as the error should name it
   * @param batch the messages to check
   * @param maxBytes the largest body the transport takes
   * @throws TransportException naming the first message that is too large, its size and the maximum
   */
  public static void check(String destination, List<OutgoingMessage> batch, long maxBytes) {
    for (OutgoingMessage message : batch) {
      if (message.body().length > maxBytes) {
        throw new TransportException(
            "message "
                + message.messageId()
                + " to "
                + destination
                + " is "
                + message.body().length
                + " bytes, more than the transport's maximum of "
                + maxBytes);
      }
    }
  }
}
