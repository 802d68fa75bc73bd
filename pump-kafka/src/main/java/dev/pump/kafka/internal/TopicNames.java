package dev.pump.kafka.internal;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.shared.Names;
import java.util.regex.Pattern;

/**
 * Pump's queue and topic names as Kafka topics and consumer groups: the prefix, then the name.
 * Pump's names are already free of anything hostile, but may hold {@code :}, which Kafka refuses in
 * a topic; such a name is refused here with an error naming it, never mapped to another that could
 * collide. Thread-safe: immutable.
 */
public final class TopicNames {
  /** The longest Kafka topic name. */
  static final int MAX_TOPIC_LENGTH = 249;

  private static final int MAX_PREFIX_LENGTH = 40;
  private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]+");

  private final String prefix;

  /** Names topics {@code prefix} + name; the prefix is checked by {@link #prefixProblem}. */
  public TopicNames(String prefix) {
    this.prefix = prefix == null ? "" : prefix;
  }

  /** Why {@code prefix} cannot start topic names, or null. */
  public static String prefixProblem(String setting, String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return null;
    }
    if (prefix.length() > MAX_PREFIX_LENGTH || !LEGAL.matcher(prefix).matches()) {
      return setting
          + " must be at most "
          + MAX_PREFIX_LENGTH
          + " characters of A-Z, a-z, 0-9, '.', '_' or '-', was \""
          + prefix
          + "\"";
    }
    return null;
  }

  /**
   * The Kafka topic of the queue or topic {@code name}.
   *
   * @param role what the name is, for the error: {@code queue} or {@code topic}
   * @throws PumpConfigurationException if {@code name} is not a valid Pump name or cannot be a
   *     Kafka topic
   */
  public String topic(String role, String name) {
    Names.require(role, name);
    String topic = prefix + name;
    if (!LEGAL.matcher(topic).matches()) {
      throw new PumpConfigurationException(
          role
              + " "
              + name
              + " cannot be a Kafka topic: Kafka topic names hold only A-Z, a-z, 0-9, '.', '_'"
              + " and '-' (the name has ':'); rename it");
    }
    if (topic.length() > MAX_TOPIC_LENGTH) {
      throw new PumpConfigurationException(
          role + " " + name + " makes the Kafka topic " + topic + ", longer than 249 characters");
    }
    return topic;
  }

  /** The consumer group that receives {@code queue}: named as its topic. */
  public String group(String queue) {
    return topic("queue", queue);
  }

  /** The Pump name of the Kafka topic {@code topic}, or null if it is not one of this prefix. */
  String name(String topic) {
    return topic.startsWith(prefix) ? topic.substring(prefix.length()) : null;
  }
}
