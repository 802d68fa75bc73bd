package dev.pump.jdbc.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the statements executed on real connections, by Jdbi or by plain JDBC, to show a batch is
 * one statement, not one per row. It only counts; every call goes to the real connection.
 */
public final class StatementCounter {
  private final AtomicInteger executed = new AtomicInteger();

  /** {@code connection}, counting each statement executed on it. */
  public Connection counting(Connection connection) {
    return proxy(Connection.class, connection, true);
  }

  private <T> T proxy(Class<T> type, Object target, boolean isConnection) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (!isConnection && method.getName().startsWith("execute")) {
            executed.incrementAndGet();
          }
          if (isConnection && result instanceof Statement) {
            return proxy(method.getReturnType().asSubclass(Statement.class), result, false);
          }
          return result;
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  /** Statements executed since the last reset. */
  public int executed() {
    return executed.get();
  }

  /** Starts counting from zero. */
  public void reset() {
    executed.set(0);
  }
}
