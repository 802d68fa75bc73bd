package dev.pump.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Assigns a {@link dev.pump.core.Handler} bean to the Pump endpoint it names, on the bean's class
 * or on its {@code @Bean} method:
 *
 * <pre>{@code
 * @Component
 * @PumpEndpoint("billing")
 * class ChargeOnOrderPlaced implements Handler<OrderPlaced> { ... }
 * }</pre>
 *
 * A handler bean without it belongs to the application's only endpoint; with several endpoints,
 * such a bean fails start-up, naming it. Naming an endpoint here also creates it, with the defaults
 * of {@code pump.endpoints.<name>.*}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PumpEndpoint {
  /** The endpoint's name. */
  String value();
}
