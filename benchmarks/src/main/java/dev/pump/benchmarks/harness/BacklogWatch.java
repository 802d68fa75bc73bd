package dev.pump.benchmarks.harness;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Looks at a {@link Timeline} every second during a paced run and keeps the largest backlogs seen:
 * messages enqueued and not yet handled, and handled and not yet dispatched. Bounded backlogs are
 * what makes a rate sustainable.
 */
public final class BacklogWatch {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong maxInput = new AtomicLong();
  private final AtomicLong maxOutbox = new AtomicLong();
  private final Thread thread;

  private BacklogWatch(Timeline timeline) {
    this.thread =
        Thread.ofPlatform()
            .daemon()
            .name("bench-backlog-watch")
            .start(() -> {
              while (running.get()) {
                long handled = timeline.handled();
                maxInput.accumulateAndGet(timeline.sent() - handled, Math::max);
                maxOutbox.accumulateAndGet(handled - timeline.dispatched(), Math::max);
                try {
                  Thread.sleep(1_000);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
  }

  public static BacklogWatch start(Timeline timeline) {
    return new BacklogWatch(timeline);
  }

  public void stop() {
    running.set(false);
    thread.interrupt();
  }

  public long maxInputBacklog() {
    return maxInput.get();
  }

  public long maxOutboxPending() {
    return maxOutbox.get();
  }
}
