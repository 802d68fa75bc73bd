package dev.pump.core.internal.routing;

import dev.pump.core.Context;
import dev.pump.core.Handler;
import dev.pump.core.PumpException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One registered handler: either a shared instance, or a factory called per message (so a DI
 * container can give each message its own scope), whose product is closed after the message if it
 * is {@link AutoCloseable}.
 *
 * @param <T> the handled type
 */
public final class HandlerRegistration<T> {
  private final Class<T> type;
  private final Handler<? super T> instance;
  private final Supplier<? extends Handler<? super T>> factory;

  private HandlerRegistration(
      Class<T> type, Handler<? super T> instance, Supplier<? extends Handler<? super T>> factory) {
    this.type = type;
    this.instance = instance;
    this.factory = factory;
  }

  /** A handler shared by every message. */
  public static <T> HandlerRegistration<T> instance(Class<T> type, Handler<? super T> handler) {
    return new HandlerRegistration<>(type, Objects.requireNonNull(handler), null);
  }

  /** A handler made per message. */
  public static <T> HandlerRegistration<T> factory(
      Class<T> type, Supplier<? extends Handler<? super T>> factory) {
    return new HandlerRegistration<>(type, null, Objects.requireNonNull(factory));
  }

  /** The type the handler was registered for. */
  public Class<T> type() {
    return type;
  }

  /** Runs the handler on {@code message}, which must be an instance of {@link #type()}. */
  public void invoke(Object message, Context context) throws Exception {
    T typed = type.cast(message);
    if (instance != null) {
      instance.handle(typed, context);
      return;
    }
    Handler<? super T> handler = factory.get();
    if (handler == null) {
      throw new PumpException("the handler factory for " + type.getName() + " returned null");
    }
    if (handler instanceof AutoCloseable closeable) {
      try (closeable) {
        handler.handle(typed, context);
      }
    } else {
      handler.handle(typed, context);
    }
  }

  @Override
  public String toString() {
    return (instance != null ? instance.getClass().getName() : "factory")
        + " for "
        + type.getName();
  }
}
