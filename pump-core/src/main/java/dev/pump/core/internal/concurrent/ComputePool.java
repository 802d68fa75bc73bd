package dev.pump.core.internal.concurrent;

import dev.pump.core.Cancellation;
import dev.pump.core.PumpException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of platform threads for long compute-bound work. Virtual threads share a few
 * carrier threads; a handler that computes for seconds on one pins its carrier, and enough of them
 * starve every other message. Offloading the work here keeps the carriers free. The queue in front
 * of the threads is bounded in practice by the pump's concurrency: each message waits for its own
 * work.
 */
public final class ComputePool {
  private final ExecutorService executor;

  /** Starts a pool of {@code threads} daemon threads named after the endpoint. */
  public ComputePool(String endpointName, int threads) {
    AtomicInteger counter = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            work ->
                Thread.ofPlatform()
                    .name("pump-" + endpointName + "-compute-" + counter.incrementAndGet())
                    .daemon(true)
                    .unstarted(work));
    ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
  }

  /** Runs {@code work} on the pool and waits for it, cancellable by {@code cancellation}. */
  public <T> T run(Callable<T> work, Cancellation cancellation) throws Exception {
    cancellation.throwIfCancelled();
    Future<T> future;
    try {
      future = executor.submit(work);
    } catch (RejectedExecutionException e) {
      throw new PumpException("the endpoint's compute pool is shut down", e);
    }
    return Waiting.await(future, null, cancellation);
  }

  /** Interrupts running work at once, without waiting. */
  public void shutdownNow() {
    executor.shutdownNow();
  }

  /** Interrupts running work and waits up to {@code timeout} for the threads to end. */
  public void shutdown(Duration timeout) throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
