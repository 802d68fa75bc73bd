package dev.pump.core.internal.pipeline;

import dev.pump.core.Headers;
import dev.pump.core.internal.routing.HandlerRegistry;
import dev.pump.core.internal.routing.MessageNames;
import dev.pump.core.internal.routing.NoHandlerException;
import dev.pump.core.spi.MessageDeserializationException;
import dev.pump.core.spi.Serializer;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.Next;
import dev.pump.core.spi.pipeline.PipelineContext;
import java.lang.reflect.Modifier;

/**
 * The built-in {@value Middleware#DESERIALIZE} link. It picks the first enclosed type that is
 * concrete and has a handler. Each name in the header is looked up among the endpoint's {@link
 * MessageNames} (names, aliases and class names of its known types); a name it does not know is
 * tried as a Java binary class name. So a handler for an interface receives an implementation the
 * endpoint does not know (not handled, routed, registered or a permitted subclass of a sealed
 * handled type) only when the header names that implementation by its class name; under a wire name
 * of its own, such an implementation is not found.
 *
 * <p>The enclosed-types header comes from the sender, so it is untrusted. At most {@value
 * #MAX_ENCLOSED_TYPES} names are examined; a message with more is refused as unrecoverable. Only a
 * syntactically valid binary class name is tried as a class; the class is loaded without running
 * its static initializers, and instantiated only if it is a registered handler type or a subtype of
 * one. Handler types cannot be JDK types ({@code EndpointBuilder.build()} refuses {@code Object},
 * {@code Record}, {@code Serializable} and every other {@code java.*} or {@code javax.*} type), so
 * a header can only choose among the application's own message types and their subtypes, never an
 * arbitrary class on the class path. The {@link HandlerRegistry} caches only types that have a
 * handler, so unknown names cost no memory.
 */
public final class DeserializeLink implements Middleware {
  /**
   * The most names of the enclosed-types header that are examined; a message with more is refused.
   */
  public static final int MAX_ENCLOSED_TYPES = 32;

  private final Serializer serializer;
  private final HandlerRegistry handlers;
  private final ClassLoader classLoader;
  private final String endpointName;
  private final MessageNames names;

  /** Creates the link. */
  public DeserializeLink(
      Serializer serializer,
      HandlerRegistry handlers,
      ClassLoader classLoader,
      String endpoint,
      MessageNames names) {
    this.serializer = serializer;
    this.handlers = handlers;
    this.classLoader = classLoader;
    this.endpointName = endpoint;
    this.names = names;
  }

  @Override
  public void invoke(PipelineContext context, Next next) throws Exception {
    if (context.message() == null) {
      context.setMessage(read(context));
    }
    next.proceed();
  }

  private Object read(PipelineContext context) {
    String id = context.messageId();
    String contentType = context.headers().get(Headers.CONTENT_TYPE);
    if (contentType != null && !contentType.equals(serializer.contentType())) {
      throw new MessageDeserializationException(
          "message "
              + id
              + " has content type "
              + contentType
              + ", but endpoint "
              + endpointName
              + " reads "
              + serializer.contentType());
    }
    String enclosed = context.headers().get(Headers.ENCLOSED_TYPES);
    if (enclosed == null || enclosed.isBlank()) {
      throw new MessageDeserializationException(
          "message " + id + " has no " + Headers.ENCLOSED_TYPES + " header");
    }
    // the limit keeps the split bounded however long the header is
    String[] named = enclosed.split(MessageNames.SEPARATOR, MAX_ENCLOSED_TYPES + 1);
    if (named.length > MAX_ENCLOSED_TYPES) {
      throw new MessageDeserializationException(
          "message "
              + id
              + " names more than "
              + MAX_ENCLOSED_TYPES
              + " types in its "
              + Headers.ENCLOSED_TYPES
              + " header");
    }
    for (String name : named) {
      Class<?> type = typeNamed(name.strip());
      if (type != null && isConcrete(type) && handlers.handles(type)) {
        try {
          return serializer.deserialize(context.incoming().body(), type);
        } catch (MessageDeserializationException e) {
          throw new MessageDeserializationException(
              "message " + id + ": " + e.getMessage(), e.getCause());
        } catch (RuntimeException e) {
          // a custom serializer's own exception: the same bytes fail the same way every time
          throw new MessageDeserializationException(
              "message " + id + ": cannot read " + type.getName() + ": " + e.getMessage(), e);
        }
      }
    }
    throw new NoHandlerException(
        "endpoint " + endpointName + " has no handler for message " + id + " of types " + enclosed);
  }

  private Class<?> typeNamed(String name) {
    if (name.isEmpty()) {
      return null;
    }
    Class<?> known = names.typeNamed(name);
    if (known != null) {
      return known;
    }
    if (!isBinaryClassName(name)) {
      return null;
    }
    try {
      return Class.forName(name, false, classLoader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  // Java identifiers joined by '.'; a nested class's '$' is an identifier character
  static boolean isBinaryClassName(String name) {
    boolean start = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '.') {
        if (start) {
          return false;
        }
        start = true;
      } else if (start ? Character.isJavaIdentifierStart(c) : Character.isJavaIdentifierPart(c)) {
        start = false;
      } else {
        return false;
      }
    }
    return !start;
  }

  private static boolean isConcrete(Class<?> type) {
    return !type.isInterface() && !Modifier.isAbstract(type.getModifiers());
  }
}
