package dev.pump.benchmarks.harness;

import dev.pump.core.Headers;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What happened to each message of an end-to-end run, on one clock ({@link System#nanoTime()}):
 * when it was meant to be enqueued (its ticket on the producer's {@link Load.Pace}), when the
 * handler's transaction committed, and when the dispatcher's send of the message it caused
 * returned.
 *
 * <p>Message ids carry the ticket ({@code <prefix><ticket>}), and the message a handler sends
 * carries the incoming id in its causation header, so no table is needed to match them up. Only the
 * commit times wait in a map, until their message is dispatched.
 *
 * <p>Thread-safe: the endpoint's message threads report commits, the dispatcher reports sends, and
 * a sampler reads intervals.
 */
public final class Timeline {
  private static final long HIGHEST = TimeUnit.MINUTES.toNanos(10);

  private final String prefix;
  private final Map<Long, Long> committedAt = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong dispatched = new AtomicLong();
  private final AtomicLong dispatchedBeforeCommitSeen = new AtomicLong();
  private final AtomicLong receives = new AtomicLong();
  private final AtomicLong receiveNanos = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final Recorder enqueueToHandled = new Recorder(HIGHEST, 3);
  private final Recorder commitToDispatch = new Recorder(HIGHEST, 3);
  private final Recorder enqueueToDispatch = new Recorder(HIGHEST, 3);
  private volatile Load.Pace pace;
  private volatile long firstRecorded;
  private volatile Semaphore window;

  /**
   * @param prefix the message ids of this run start with it; other messages are ignored
   */
  public Timeline(String prefix) {
    this.prefix = prefix;
  }

  /** The id of the message of {@code ticket}. */
  public String messageId(long ticket) {
    return prefix + ticket;
  }

  /**
   * From now on, latencies count from each ticket's intended time on {@code pace}; tickets below
   * {@code firstRecorded} (the warm-up) are not recorded.
   */
  public void pacedBy(Load.Pace pace, long firstRecorded) {
    this.window = null;
    this.firstRecorded = firstRecorded;
    this.pace = pace;
    resetIntervals();
  }

  /**
   * Closed loop: at most {@code inFlight} messages enqueued and not yet handled; {@link
   * #awaitRoom()} blocks the producers until a commit makes room.
   */
  void closedLoop(int inFlight) {
    this.pace = null;
    this.window = new Semaphore(inFlight);
  }

  /**
   * Waits up to 100 ms for a closed-loop producer's turn: true once fewer than the window's
   * messages are in flight (always true when paced), false to let the producer check whether the
   * run is over.
   */
  boolean awaitRoom() throws InterruptedException {
    Semaphore w = window;
    return w == null || w.tryAcquire(100, TimeUnit.MILLISECONDS);
  }

  /**
   * The endpoint's receiver got {@code messages} after {@code nanos} in the transport's receive: a
   * receiver works one receive at a time, so the share of the wall time they spend there says
   * whether receiving is what limits the rate.
   */
  void received(long nanos, int messages) {
    receives.incrementAndGet();
    receiveNanos.addAndGet(nanos);
    received.addAndGet(messages);
  }

  /** Messages the receives that returned any returned, together. */
  public long receivedMessages() {
    return received.get();
  }

  public long receives() {
    return receives.get();
  }

  public long receiveNanos() {
    return receiveNanos.get();
  }

  /** A producer enqueued a message. */
  public void enqueued() {
    sent.incrementAndGet();
  }

  /** The handler's transaction of message {@code messageId} committed (or was acknowledged). */
  void committed(String messageId) {
    long now = System.nanoTime();
    long ticket = ticket(messageId);
    if (ticket < 0) {
      return;
    }
    handled.incrementAndGet();
    Semaphore w = window;
    if (w != null) {
      w.release();
    }
    committedAt.put(ticket, now);
    Load.Pace p = pace;
    if (p != null && ticket >= firstRecorded) {
      enqueueToHandled.recordValue(clamp(now - p.intended(ticket)));
    }
  }

  /** The dispatcher's send of a message returned; {@code headers} are the sent message's. */
  public void dispatched(Map<String, String> headers) {
    long now = System.nanoTime();
    long ticket = ticket(headers.get(Headers.CAUSATION_ID));
    if (ticket < 0) {
      return;
    }
    dispatched.incrementAndGet();
    Long committed = committedAt.remove(ticket);
    Load.Pace p = pace;
    if (p == null || ticket < firstRecorded) {
      return;
    }
    if (committed == null) {
      // possible where the transport acknowledges after the commit (RabbitMQ): the dispatcher,
      // woken by the commit, was faster than the ack
      dispatchedBeforeCommitSeen.incrementAndGet();
      commitToDispatch.recordValue(0);
    } else {
      commitToDispatch.recordValue(clamp(now - committed));
    }
    enqueueToDispatch.recordValue(clamp(now - p.intended(ticket)));
  }

  public long sent() {
    return sent.get();
  }

  public long handled() {
    return handled.get();
  }

  public long dispatched() {
    return dispatched.get();
  }

  public long dispatchedBeforeCommitSeen() {
    return dispatchedBeforeCommitSeen.get();
  }

  /** Latencies recorded since the last call (or {@link #pacedBy}). */
  public Intervals intervals() {
    return new Intervals(
        enqueueToHandled.getIntervalHistogram(),
        commitToDispatch.getIntervalHistogram(),
        enqueueToDispatch.getIntervalHistogram());
  }

  private void resetIntervals() {
    enqueueToHandled.reset();
    commitToDispatch.reset();
    enqueueToDispatch.reset();
  }

  /** Latency histograms of one stretch of a run, in nanoseconds. */
  public record Intervals(
      Histogram enqueueToHandled, Histogram commitToDispatch, Histogram enqueueToDispatch) {

    static Intervals empty() {
      return new Intervals(
          new Histogram(HIGHEST, 3), new Histogram(HIGHEST, 3), new Histogram(HIGHEST, 3));
    }

    void add(Intervals other) {
      enqueueToHandled.add(other.enqueueToHandled);
      commitToDispatch.add(other.commitToDispatch);
      enqueueToDispatch.add(other.enqueueToDispatch);
    }
  }

  private long ticket(String messageId) {
    if (messageId == null || !messageId.startsWith(prefix)) {
      return -1;
    }
    try {
      return Long.parseLong(messageId, prefix.length(), messageId.length(), 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long clamp(long nanos) {
    return Math.max(0, Math.min(HIGHEST, nanos));
  }
}
