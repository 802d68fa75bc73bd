package dev.pump.jdbc.internal.sql;

import dev.pump.migrations.SchemaName;

/**
 * LISTEN/NOTIFY channel names: identifiers of at most 63 bytes, derived from the schema so two Pump
 * schemas in one database never wake each other.
 */
public final class Channels {
  private Channels() {}

  /** The channel queue sends notify; the payload is the queue name. */
  public static String queue(SchemaName schema) {
    return channel("pump_queue_", schema);
  }

  /** The channel outbox inserts notify, so dispatchers in other processes wake up. */
  public static String outbox(SchemaName schema) {
    return channel("pump_outbox_", schema);
  }

  private static String channel(String prefix, SchemaName schema) {
    String name = prefix + schema.value();
    return name.length() <= 63
        ? name
        : name.substring(0, 50) + "_" + Integer.toHexString(schema.value().hashCode());
  }
}
