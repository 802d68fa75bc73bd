package dev.pump.jdbc.internal.queue;

import dev.pump.migrations.SchemaName;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of the {@code subscription} table: which queues receive a topic's messages on the
 * PostgreSQL queue transport (a publish reads it in the same statement that inserts the copies; see
 * {@link QueueStore}). Thread-safe.
 */
public final class SubscriptionStore {
  private final String subscribe;
  private final String unsubscribe;

  /** Builds the statements for {@code schema} once. */
  public SubscriptionStore(SchemaName schema) {
    String subscriptions = schema.table("subscription");
    this.subscribe =
        "INSERT INTO "
            + subscriptions
            + " (topic, queue) VALUES (:topic, :queue) ON CONFLICT DO NOTHING";
    this.unsubscribe = "DELETE FROM " + subscriptions + " WHERE topic = :topic AND queue = :queue";
  }

  /** Subscribes {@code queue} to {@code topic}; idempotent. */
  public void subscribe(Handle handle, String topic, String queue) {
    handle.createUpdate(subscribe).bind("topic", topic).bind("queue", queue).execute();
  }

  /** Removes the subscription, if any; idempotent. */
  public void unsubscribe(Handle handle, String topic, String queue) {
    handle.createUpdate(unsubscribe).bind("topic", topic).bind("queue", queue).execute();
  }
}
