package dev.pump.jdbc;

import dev.pump.core.Context;
import dev.pump.core.PumpException;
import dev.pump.jdbc.internal.uow.UnitOfWork;
import java.sql.Connection;
import org.jdbi.v3.core.Handle;

/**
 * A handler's way to its message's transaction, in one line:
 *
 * <pre>{@code
 * JdbcContext.handle(context).execute("INSERT INTO charge (order_id) VALUES (?)", event.id());
 * }</pre>
 *
 * Everything written on it commits or rolls back with the inbox and outbox rows of the message.
 * Never commit, roll back or close it yourself, and never use it after the handler returned.
 */
public final class JdbcContext {
  private JdbcContext() {}

  /**
   * The Jdbi handle of the message's transaction.
   *
   * @throws PumpException if the endpoint has no {@link JdbcStorage}, or the message is done
   */
  public static Handle handle(Context context) {
    return context
        .attributes()
        .get(UnitOfWork.CURRENT)
        .orElseThrow(() ->
            new PumpException(
                "message "
                    + context.messageId()
                    + " of endpoint "
                    + context.endpointName()
                    + " has no database transaction: give the endpoint a JdbcStorage"
                    + " (EndpointBuilder.storage), and use it only while the handler runs"))
        .handle();
  }

  /** The JDBC connection of the message's transaction, for code that does not use Jdbi. */
  public static Connection connection(Context context) {
    return handle(context).getConnection();
  }
}
