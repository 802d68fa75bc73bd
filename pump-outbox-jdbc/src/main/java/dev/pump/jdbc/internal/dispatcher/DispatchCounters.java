package dev.pump.jdbc.internal.dispatcher;

import dev.pump.jdbc.DispatcherCounters;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What a dispatcher has done since it started; read from any thread. */
public final class DispatchCounters implements DispatcherCounters {
  final LongAdder rowsDispatched = new LongAdder();
  final LongAdder batchesSent = new LongAdder();
  final LongAdder batchesFailed = new LongAdder();
  final LongAdder rowsParked = new LongAdder();
  final LongAdder cycles = new LongAdder();
  final Map<String, LongAdder> failuresByDestination = new ConcurrentHashMap<>();

  @Override
  public long rowsDispatched() {
    return rowsDispatched.sum();
  }

  @Override
  public long batchesSent() {
    return batchesSent.sum();
  }

  @Override
  public long batchesFailed() {
    return batchesFailed.sum();
  }

  @Override
  public long rowsParked() {
    return rowsParked.sum();
  }

  @Override
  public long cycles() {
    return cycles.sum();
  }

  @Override
  public Map<String, Long> failuresByDestination() {
    Map<String, Long> copy = new TreeMap<>();
    failuresByDestination.forEach((d, n) -> copy.put(d, n.sum()));
    return copy;
  }

  void failed(String destination) {
    batchesFailed.increment();
    failuresByDestination.computeIfAbsent(destination, d -> new LongAdder()).increment();
  }
}
