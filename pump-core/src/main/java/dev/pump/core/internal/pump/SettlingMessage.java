package dev.pump.core.internal.pump;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import java.time.Duration;

/**
 * The received message as the processor settles it. Every settle call first moves the message to
 * its settling phase (so stop no longer interrupts its thread) and runs with the thread's interrupt
 * flag cleared, restored afterwards: an interrupted virtual thread would close the socket the
 * transport settles on. It also remembers whether a settle call was made at all, because once one
 * was, the message must not be settled again: the first settle call wins.
 */
final class SettlingMessage extends ForwardingReceivedMessage {
  private final InFlight inFlight;
  private volatile boolean settleCalled;

  SettlingMessage(ReceivedMessage delegate, InFlight inFlight) {
    super(delegate);
    this.inFlight = inFlight;
  }

  /** Whether a settle call reached the transport, whatever its outcome. */
  boolean settleCalled() {
    return settleCalled;
  }

  @Override
  public boolean completeAndSend(String queue, OutgoingMessage copy) {
    boolean interrupted = beginSettling();
    try {
      settleCalled = true;
      boolean done = super.completeAndSend(queue, copy);
      // false means the transport did nothing: the caller sends and completes separately
      settleCalled = done;
      return done;
    } finally {
      restore(interrupted);
    }
  }

  @Override
  public void complete() {
    boolean interrupted = beginSettling();
    try {
      settleCalled = true;
      super.complete();
    } finally {
      restore(interrupted);
    }
  }

  @Override
  public void abandon(Duration visibilityDelay) {
    boolean interrupted = beginSettling();
    try {
      settleCalled = true;
      super.abandon(visibilityDelay);
    } finally {
      restore(interrupted);
    }
  }

  /** Enters the settling phase and clears the interrupt flag; returns whether it was set. */
  private boolean beginSettling() {
    inFlight.beginSettling();
    return Thread.interrupted();
  }

  private static void restore(boolean interrupted) {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
