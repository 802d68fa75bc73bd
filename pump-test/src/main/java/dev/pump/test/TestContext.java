package dev.pump.test;

import dev.pump.core.Attributes;
import dev.pump.core.Cancellation;
import dev.pump.core.Context;
import dev.pump.core.Handler;
import dev.pump.core.Headers;
import dev.pump.core.LogContext;
import dev.pump.core.PumpException;
import dev.pump.core.SendOptions;
import dev.pump.test.internal.RecordedAttributes;
import dev.pump.test.internal.TestCancellation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.MDC;

/**
 * A {@link Context} for unit tests of a handler, without a database or a transport: it records what
 * the handler sent, published and replied, with the options it gave, and reports what the test told
 * it to (message id, headers, endpoint, attempt, cancellation).
 *
 * <pre>{@code
 * TestContext context = TestContext.builder().header("tenant", "acme").build();
 * context.handle(new BillingHandler(), new OrderPlaced("o-1", 4200));
 * assertThat(context.sent(ChargeCard.class)).containsExactly(new ChargeCard("o-1", 4200));
 * }</pre>
 *
 * <p>As in the pump, sends made after {@link #handle} returned throw. A send is recorded as it was
 * asked for: without a destination, it names none (the pump resolves routes, which a unit test has
 * none of). Thread-safe: a handler may send from threads it starts.
 */
public final class TestContext implements Context {
  /** The reply-to queue a context reports unless told otherwise: {@value}. */
  public static final String DEFAULT_REPLY_TO = "test-sender";

  /** The endpoint name a context reports unless told otherwise: {@value}. */
  public static final String DEFAULT_ENDPOINT = "test-endpoint";

  private final String messageId;
  private final Map<String, String> headers;
  private final String endpointName;
  private final int attempt;
  private final TestCancellation cancellation;
  private final Attributes attributes;
  private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean sealed;

  private TestContext(Builder builder) {
    this.messageId = builder.messageId != null ? builder.messageId : UUID.randomUUID().toString();
    Map<String, String> all = new LinkedHashMap<>();
    all.put(Headers.MESSAGE_ID, messageId);
    all.put(Headers.CORRELATION_ID, messageId);
    all.put(Headers.CONVERSATION_ID, messageId);
    if (builder.replyTo != null) {
      all.put(Headers.REPLY_TO, builder.replyTo);
    }
    if (builder.delayedRetries > 0) {
      all.put(Headers.DELAYED_RETRIES, Integer.toString(builder.delayedRetries));
    }
    all.putAll(builder.headers);
    this.headers = Collections.unmodifiableMap(all);
    this.endpointName = builder.endpointName;
    this.attempt = builder.attempt;
    this.cancellation = new TestCancellation(builder.cancelled);
    this.attributes = new RecordedAttributes(builder.attributes);
  }

  /** Returns a builder of a context with a random message id and every other setting default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A context with every setting default. */
  public static TestContext create() {
    return builder().build();
  }

  /**
   * Runs {@code handler} on {@code message} with this context, as the pump would run one attempt:
   * the {@link LogContext} keys are in the MDC while it runs (the attempt among them); once it
   * returns, later sends throw. A context handles one message: create another for the next.
   *
   * @throws Exception what the handler threw
   * @throws IllegalStateException if this context handled a message before
   */
  public <T> void handle(Handler<? super T> handler, T message) throws Exception {
    if (sealed) {
      throw new IllegalStateException("this TestContext has handled a message: build another");
    }
    Map<String, String> previous = MDC.getCopyOfContextMap();
    MDC.put(LogContext.ENDPOINT, endpointName);
    MDC.put(LogContext.MESSAGE_ID, messageId);
    MDC.put(LogContext.CORRELATION_ID, headers.get(Headers.CORRELATION_ID));
    MDC.put(LogContext.ATTEMPT, Integer.toString(attempt));
    try {
      handler.handle(message, this);
    } finally {
      sealed = true;
      if (previous == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(previous);
      }
    }
  }

  /** Raises the cancellation, as a stopping endpoint does: {@code onCancel} actions run now. */
  public void cancel() {
    cancellation.cancel();
  }

  /** Everything sent, published and replied, in the order it was asked for. */
  public List<Sent> sent() {
    synchronized (sent) {
      return List.copyOf(sent);
    }
  }

  /** The messages of {@code type} (or a subtype) sent, published or replied, in order. */
  public <T> List<T> sent(Class<T> type) {
    return sent().stream().map(Sent::message).filter(type::isInstance).map(type::cast).toList();
  }

  /** What was published, in order. */
  public List<Sent> published() {
    return sent().stream().filter(s -> s.kind() == Kind.PUBLISH).toList();
  }

  /** What was replied, in order. */
  public List<Sent> replies() {
    return sent().stream().filter(s -> s.kind() == Kind.REPLY).toList();
  }

  /** What was sent or published with a delay, in order: timeouts, reminders. */
  public List<Sent> deferred() {
    return sent().stream().filter(s -> !s.options().delay().isZero()).toList();
  }

  @Override
  public void send(Object message, SendOptions options) {
    record(Kind.SEND, null, message, options);
  }

  @Override
  public void send(String destination, Object message, SendOptions options) {
    record(Kind.SEND, Objects.requireNonNull(destination, "destination"), message, options);
  }

  @Override
  public void publish(Object event, SendOptions options) {
    record(Kind.PUBLISH, null, event, options);
  }

  @Override
  public void reply(Object message, SendOptions options) {
    String replyTo = headers.get(Headers.REPLY_TO);
    if (replyTo == null) {
      throw new PumpException(
          "message " + messageId + " has no " + Headers.REPLY_TO + " header to reply to");
    }
    record(Kind.REPLY, replyTo, message, options);
  }

  @Override
  public String messageId() {
    return messageId;
  }

  @Override
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public String endpointName() {
    return endpointName;
  }

  @Override
  public Cancellation cancellation() {
    return cancellation;
  }

  @Override
  public Attributes attributes() {
    return attributes;
  }

  /** Runs {@code work} on the calling thread (a test has no compute pool to protect). */
  @Override
  public <T> T compute(Callable<T> work) throws Exception {
    cancellation.throwIfCancelled();
    return work.call();
  }

  @Override
  public <T> T await(CompletableFuture<T> future, Duration timeout) throws Exception {
    cancellation.onCancel(() -> future.cancel(true));
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private void record(Kind kind, String destination, Object message, SendOptions options) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(options, "options");
    if (sealed) {
      throw new PumpException(
          "the handler of message " + messageId + " returned; its context sends no more");
    }
    sent.add(new Sent(kind, Optional.ofNullable(destination), message, options));
  }

  @Override
  public String toString() {
    return "TestContext[" + messageId + " at " + endpointName + ", sent " + sent() + "]";
  }

  /** How a message left the handler. */
  public enum Kind {
    /** {@code send}, to a destination or to its route. */
    SEND,
    /** {@code publish}. */
    PUBLISH,
    /** {@code reply}, to the incoming message's reply-to queue. */
    REPLY
  }

  /**
   * One message the handler sent.
   *
   * @param kind send, publish or reply
   * @param destination the queue named in the call (the reply-to queue for a reply); empty for a
   *     publish and for a send left to the routes
   * @param message the message object, as given
   * @param options the options given ({@link SendOptions#DEFAULT} when none were)
   */
  public record Sent(
      Kind kind, Optional<String> destination, Object message, SendOptions options) {}

  /** Builds a {@link TestContext}. Not thread-safe. */
  public static final class Builder {
    private String messageId;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String replyTo = DEFAULT_REPLY_TO;
    private String endpointName = DEFAULT_ENDPOINT;
    private int attempt = 1;
    private int delayedRetries;
    private boolean cancelled;
    private final Map<Attributes.Key<?>, Object> attributes = new LinkedHashMap<>();

    private Builder() {}

    /** The incoming message's id. Default: a random UUID. */
    public Builder messageId(String messageId) {
      this.messageId = Objects.requireNonNull(messageId, "messageId");
      return this;
    }

    /**
     * Adds an incoming header; any name, {@code pump.*} ones included, so a test can say what Pump
     * would have set. Default: {@link Headers#MESSAGE_ID}, {@link Headers#CORRELATION_ID} and
     * {@link Headers#CONVERSATION_ID} (the message id) and {@link Headers#REPLY_TO}.
     */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * The queue {@code reply} sends to, or {@code null} for a message without one (then {@code
     * reply} throws, as in the pump). Default {@value #DEFAULT_REPLY_TO}.
     */
    public Builder replyTo(String replyTo) {
      this.replyTo = replyTo;
      return this;
    }

    /** The endpoint name the context reports. Default {@value #DEFAULT_ENDPOINT}. */
    public Builder endpointName(String endpointName) {
      this.endpointName = Objects.requireNonNull(endpointName, "endpointName");
      return this;
    }

    /**
     * Which attempt of this delivery runs, 1 or more, as {@link LogContext#ATTEMPT} reports it in
     * the MDC while {@link TestContext#handle} runs. Default 1.
     */
    public Builder attempt(int attempt) {
      if (attempt < 1) {
        throw new IllegalArgumentException("testContext.attempt must be 1 or more, was " + attempt);
      }
      this.attempt = attempt;
      return this;
    }

    /**
     * How many delayed retry rounds the message had, as the {@link Headers#DELAYED_RETRIES} header
     * says. Default 0 (no header).
     */
    public Builder delayedRetries(int delayedRetries) {
      if (delayedRetries < 0) {
        throw new IllegalArgumentException(
            "testContext.delayedRetries must be 0 or more, was " + delayedRetries);
      }
      this.delayedRetries = delayedRetries;
      return this;
    }

    /**
     * Whether the cancellation is raised from the start, as for a message still running when its
     * endpoint's stop grace ran out. Default false; {@link TestContext#cancel()} raises it later.
     */
    public Builder cancelled(boolean cancelled) {
      this.cancelled = cancelled;
      return this;
    }

    /** Puts a value in an attribute slot, as middleware would have. Default: none. */
    public <T> Builder attribute(Attributes.Key<T> key, T value) {
      attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Builds the context. */
    public TestContext build() {
      return new TestContext(this);
    }
  }
}
