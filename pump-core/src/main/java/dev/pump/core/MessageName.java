package dev.pump.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The name a message type has on the wire, instead of its Java class name: in the {@link
 * Headers#ENCLOSED_TYPES} header of every message of it or of a subtype, and as its topic. With a
 * name of its own, a class can be renamed or moved without stranding messages already queued, and a
 * producer in another language sends {@code shop.PlaceOrder}, not a Java class name.
 *
 * <pre>{@code
 * @MessageName(value = "shop.PlaceOrder", aliases = "com.example.shop.Messages$PlaceOrder")
 * public record PlaceOrder(String orderId) {}
 * }</pre>
 *
 * <p>Without it, a type's name is its Java binary class name ({@link Class#getName()}). The class
 * name always stays an alias: a message whose header names the class is still received. Registering
 * a name with {@link EndpointBuilder#messageName} overrides this annotation for that endpoint, and
 * keeps its name and aliases as aliases.
 *
 * <p>Not inherited: a subtype has its own name. {@code docs/wire-format.md} describes the whole
 * wire format.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface MessageName {
  /**
   * The wire name, a valid {@linkplain dev.pump.core##names name}: up to 200 ASCII letters, digits,
   * {@code .}, {@code _}, {@code :} or {@code -}, starting with a letter or digit. It is also the
   * type's topic.
   *
   * @return the name
   */
  String value();

  /**
   * Earlier names the type is still received under, e.g. the names it had before a rename or its
   * old Java class names; an endpoint that handles the type also subscribes to their topics, so
   * events from publishers that still use an old name arrive. Each is a valid name, or a Java
   * binary class name whose {@code $} become {@code .} in its topic. Default: none.
   *
   * @return the aliases
   */
  String[] aliases() default {};
}
