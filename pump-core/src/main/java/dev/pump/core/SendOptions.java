package dev.pump.core;

import dev.pump.core.internal.shared.Problems;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How one message is sent: a delay, an explicit message id, a correlation id, extra headers, and
 * whether it is dispatched immediately. Immutable and thread-safe; {@link #DEFAULT} sends at once,
 * with a generated id, batched with the rest of the handler's sends.
 *
 * <p><b>Generated ids.</b> A send from a handler gets an id derived from the endpoint, the incoming
 * message's id and the send's position among the attempt's sends, so a retry that sends the same
 * things in the same order sends them with the same ids and receivers deduplicate them. A send from
 * outside a handler gets a new time-ordered UUID.
 *
 * <p><b>Immediate dispatch</b> hands the message to the transport during the send call, outside the
 * handler's transaction: it goes out even if the handler fails afterwards, and a retry sends it
 * again (with the same generated id, if sent in the same order). Use it for messages that must
 * leave regardless, such as an audit trail of attempts.
 */
public final class SendOptions {
  /** Send without delay, with a new message id, batched until the handler succeeded. */
  public static final SendOptions DEFAULT = builder().build();

  private final Duration delay;
  private final String messageId;
  private final String correlationId;
  private final Map<String, String> headers;
  private final boolean immediateDispatch;
  private final String orderingKey;

  private SendOptions(Builder b) {
    this.delay = b.delay;
    this.messageId = b.messageId;
    this.correlationId = b.correlationId;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.immediateDispatch = b.immediateDispatch;
    this.orderingKey = b.orderingKey;
  }

  /** Returns a builder with every option at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Shorthand for options that only ask for immediate dispatch. */
  public static SendOptions immediate() {
    return builder().immediateDispatch().build();
  }

  /** Shorthand for options that only delay delivery by {@code delay}. */
  public static SendOptions delayedBy(Duration delay) {
    return builder().delay(delay).build();
  }

  /** The delivery delay; {@link Duration#ZERO} by default. */
  public Duration delay() {
    return delay;
  }

  /** The explicit message id, if one was given; otherwise Pump generates one. */
  public Optional<String> messageId() {
    return Optional.ofNullable(messageId);
  }

  /**
   * The explicit correlation id, if one was given; otherwise it flows from the incoming message.
   */
  public Optional<String> correlationId() {
    return Optional.ofNullable(correlationId);
  }

  /** Extra headers, added to the ones Pump sets; empty by default. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The ordering key, if one was given; none by default. */
  public Optional<String> orderingKey() {
    return Optional.ofNullable(orderingKey);
  }

  /** Whether the message is dispatched during the send call; {@code false} by default. */
  public boolean immediateDispatch() {
    return immediateDispatch;
  }

  /** Builds {@link SendOptions}. Not thread-safe; {@link #build()} validates every option. */
  public static final class Builder {
    private Duration delay = Duration.ZERO;
    private String messageId;
    private String correlationId;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean immediateDispatch;
    private String orderingKey;

    private Builder() {}

    /** Delays delivery; default {@link Duration#ZERO}. Must not be negative. */
    public Builder delay(Duration delay) {
      this.delay = delay;
      return this;
    }

    /**
     * Uses {@code messageId} instead of a generated id, e.g. derived from business data so that a
     * repeated send is recognised as a duplicate. Must be a valid {@linkplain dev.pump.core##names
     * name}. Default: from a handler, an id derived from the incoming message and the send's
     * position; otherwise a new time-ordered UUID.
     */
    public Builder messageId(String messageId) {
      this.messageId = messageId;
      return this;
    }

    /**
     * Sets the correlation id ({@link Headers#CORRELATION_ID}), e.g. to tie the message to an
     * external request. Must be a valid {@linkplain dev.pump.core##names name}. Default: the
     * incoming message's correlation id from a handler, else the message's own id.
     */
    public Builder correlationId(String correlationId) {
      this.correlationId = correlationId;
      return this;
    }

    /**
     * Adds a header. Default: none. Names starting with {@code pump.} are reserved ({@link
     * Headers#isReserved}): Pump sets them itself, and reads some of them back (retry counts,
     * failure records), so {@link #build()} refuses them, and names and values that cannot be
     * stored ({@link Headers#textProblem}: a NUL character or half of a surrogate pair). The
     * message id and correlation id have their own options.
     */
    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /**
     * Keeps messages with the same key in order: an outbox dispatches them one batch at a time
     * across all dispatcher instances, in the order they were written, and holds later ones back
     * while an earlier one is retrying. Use an aggregate or conversation id. Travels as the {@link
     * Headers#ORDERING_KEY} header. Default: none (no ordering beyond each destination's). At most
     * 200 characters, not blank.
     */
    public Builder orderingKey(String orderingKey) {
      this.orderingKey = orderingKey;
      return this;
    }

    /**
     * Dispatches the message during the send call instead of after the handler succeeded. Default:
     * off (batched). See the class comment for what this gives up.
     */
    public Builder immediateDispatch() {
      this.immediateDispatch = true;
      return this;
    }

    /**
     * Returns the options.
     *
     * @throws PumpConfigurationException naming every invalid option
     */
    public SendOptions build() {
      Problems problems = new Problems();
      if (delay == null || delay.isNegative()) {
        problems.add("sendOptions.delay must be zero or positive, was " + delay);
      }
      if (messageId != null) {
        problems.name("sendOptions.messageId", messageId);
      }
      if (orderingKey != null && (orderingKey.isBlank() || orderingKey.length() > 200)) {
        problems.add(
            "sendOptions.orderingKey must be 1 to 200 characters and not blank, was '"
                + (orderingKey.length() > 40 ? orderingKey.substring(0, 40) + "..." : orderingKey)
                + "'");
      }
      if (correlationId != null) {
        problems.name("sendOptions.correlationId", correlationId);
      }
      for (Map.Entry<String, String> header : headers.entrySet()) {
        if (header.getKey() == null || header.getKey().isBlank() || header.getValue() == null) {
          problems.add(
              "sendOptions.headers must have non-blank names and non-null values, was "
                  + header.getKey()
                  + "="
                  + header.getValue());
        } else if (Headers.isReserved(header.getKey())) {
          problems.add(
              "sendOptions.headers must not set "
                  + header.getKey()
                  + ": headers starting with "
                  + Headers.RESERVED_PREFIX
                  + " are reserved to Pump (use messageId(...) or correlationId(...))");
        } else {
          problems.add(
              Headers.headerProblem("sendOptions.headers", header.getKey(), header.getValue()));
        }
      }
      problems.throwIfAny();
      return new SendOptions(this);
    }
  }
}
