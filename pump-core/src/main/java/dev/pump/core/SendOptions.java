package dev.pump.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one message is sent: a delay, an explicit message id, extra headers, and whether it is
 * dispatched immediately. Immutable and thread-safe; {@link #DEFAULT} sends at once, with a fresh
 * id, batched with the rest of the handler's sends.
 *
 * <p><b>Immediate dispatch</b> hands the message to the transport during the send call, outside the
 * handler's transaction: it goes out even if the handler fails afterwards, and a retry sends it
 * again. Use it for messages that must leave regardless, such as an audit trail of attempts.
 */
public final class SendOptions {
  /** Send without delay, with a new message id, batched until the handler succeeded. */
  public static final SendOptions DEFAULT = builder().build();

  private final Duration delay;
  private final String messageId;
  private final Map<String, String> headers;
  private final boolean immediateDispatch;

  private SendOptions(Builder b) {
    this.delay = b.delay;
    this.messageId = b.messageId;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.immediateDispatch = b.immediateDispatch;
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

  /** Extra headers, applied over the ones Pump sets; empty by default. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Whether the message is dispatched during the send call; {@code false} by default. */
  public boolean immediateDispatch() {
    return immediateDispatch;
  }

  /** Builds {@link SendOptions}. Not thread-safe; {@link #build()} validates every option. */
  public static final class Builder {
    private Duration delay = Duration.ZERO;
    private String messageId;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean immediateDispatch;

    private Builder() {}

    /** Delays delivery; default {@link Duration#ZERO}. Must not be negative. */
    public Builder delay(Duration delay) {
      this.delay = delay;
      return this;
    }

    /**
     * Uses {@code messageId} instead of a generated id, e.g. derived from business data so that a
     * repeated send is recognised as a duplicate. Must be a valid {@link Names name}. Default: a
     * new time-ordered UUID.
     */
    public Builder messageId(String messageId) {
      this.messageId = messageId;
      return this;
    }

    /**
     * Adds a header, applied over the ones Pump sets (so it may override, say, the correlation id).
     * Default: none. The message id is set with {@link #messageId(String)} instead.
     */
    public Builder header(String name, String value) {
      headers.put(name, value);
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
      List<String> problems = new ArrayList<>();
      if (delay == null || delay.isNegative()) {
        problems.add("sendOptions.delay must be zero or positive, was " + delay);
      }
      if (messageId != null) {
        String problem = Names.problem("sendOptions.messageId", messageId);
        if (problem != null) {
          problems.add(problem);
        }
      }
      for (Map.Entry<String, String> header : headers.entrySet()) {
        if (header.getKey() == null || header.getKey().isBlank() || header.getValue() == null) {
          problems.add(
              "sendOptions.headers must have non-blank names and non-null values, was "
                  + header.getKey()
                  + "="
                  + header.getValue());
        } else if (header.getKey().equals(Headers.MESSAGE_ID)) {
          problems.add(
              "sendOptions.headers must not set " + Headers.MESSAGE_ID + ", use messageId(...)");
        }
      }
      if (!problems.isEmpty()) {
        throw new PumpConfigurationException(String.join("; ", problems));
      }
      return new SendOptions(this);
    }
  }
}
