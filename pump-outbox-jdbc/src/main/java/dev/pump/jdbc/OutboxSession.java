package dev.pump.jdbc;

import dev.pump.core.Endpoint;
import dev.pump.core.MessageSender;
import dev.pump.core.SendOptions;
import dev.pump.core.internal.shared.BufferedSender;
import dev.pump.core.internal.shared.Endpoints;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.outbox.OutboxRow;
import dev.pump.jdbc.internal.outbox.OutboxRows;
import java.sql.Connection;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/**
 * Sends that belong to a transaction someone else owns and commits: the messages wait here, are
 * written to the outbox by {@link #writeTo} on that transaction's connection just before it
 * commits, and exist if and only if it does. For frameworks that own transactions (Pump's Spring
 * Boot starter writes one per Spring transaction); an application of Pump alone uses {@link
 * JdbcStorage#inTransaction}.
 *
 * <pre>{@code
 * OutboxSession session = storage.session(orders);
 * session.send(new ChargeCard(orderId));
 * // ... the owner's other writes on connection ...
 * session.writeTo(connection);
 * connection.commit();
 * session.committed();
 * }</pre>
 *
 * Messages get the endpoint's routing, serializer and headers when they are sent. Thread-safe for
 * sending; {@link #writeTo} drains what was sent before it.
 */
public final class OutboxSession implements MessageSender {
  private final StorageRuntime runtime;
  private final String endpoint;
  private final BufferedSender sender;

  OutboxSession(StorageRuntime runtime, Endpoint endpoint) {
    this.runtime = runtime;
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint").name();
    this.sender = Endpoints.bufferedSender(endpoint);
  }

  @Override
  public void send(Object message, SendOptions options) {
    sender.send(message, options);
  }

  @Override
  public void send(String destination, Object message, SendOptions options) {
    sender.send(destination, message, options);
  }

  @Override
  public void publish(Object event, SendOptions options) {
    sender.publish(event, options);
  }

  /** Whether messages were sent that {@link #writeTo} has not written yet. */
  public boolean hasPending() {
    return sender.outgoing().size() > 0;
  }

  /**
   * Writes the messages sent so far into the outbox on {@code connection}, in its open transaction,
   * in one statement; the session is then empty. The connection must be of the storage's database;
   * nothing is committed, and the connection stays open.
   *
   * @return how many outbox rows were written
   */
  public int writeTo(Connection connection) {
    Objects.requireNonNull(connection, "connection");
    List<OutboxRow> rows = OutboxRows.of(sender.outgoing().drain());
    if (rows.isEmpty()) {
      return 0;
    }
    try (Handle handle = runtime.borrowed().open(connection)) {
      runtime.outbox().insert(handle, endpoint, null, rows);
    }
    return rows.size();
  }

  /**
   * Tells the storage that the transaction {@link #writeTo} wrote in has committed: the dispatchers
   * of this process relay the rows at once, those of others soon. Without it they find the rows at
   * their next poll.
   */
  public void committed() {
    runtime.outboxCommitted();
  }
}
