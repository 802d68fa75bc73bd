package dev.pump.benchmarks.harness;

import dev.pump.benchmarks.endtoend.EndToEndService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The closed loop's producers: threads that enqueue the next message whenever the {@link Timeline}
 * has room, until closed. A failed send stops them and is rethrown by {@link #stop}.
 */
public final class Producers implements AutoCloseable {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final List<Thread> threads = new ArrayList<>();

  private Producers(EndToEndService service, int threads) {
    AtomicLong tickets = new AtomicLong();
    for (int i = 0; i < threads; i++) {
      this.threads.add(
          Thread.ofPlatform()
              .name("bench-producer-" + i)
              .start(() -> {
                try {
                  while (running.get()) {
                    if (service.timeline().awaitRoom()) {
                      service.produce(tickets.getAndIncrement());
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (Exception e) {
                  failure.compareAndSet(null, e);
                  running.set(false);
                }
              }));
    }
  }

  /** Starts {@code threads} producers keeping at most {@code inFlight} messages unhandled. */
  public static Producers closedLoop(EndToEndService service, int threads, int inFlight) {
    service.timeline().closedLoop(inFlight);
    return new Producers(service, threads);
  }

  /** Stops the producers and waits for them; rethrows a failed send. Idempotent. */
  public void stop() {
    running.set(false);
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping the producers", e);
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a producer failed: " + failure.get(), failure.get());
    }
  }

  @Override
  public void close() {
    stop();
  }
}
