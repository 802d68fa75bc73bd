package dev.pump.spring;

import dev.pump.core.EndpointBuilder;

/**
 * Adjusts an endpoint's builder before the starter builds it, after the {@code pump.endpoints.*}
 * properties and the handler beans were applied: routes, middleware, message names, a
 * recoverability policy, anything {@link EndpointBuilder} offers. Every customizer bean is called
 * for every endpoint, in {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * PumpEndpointCustomizer routes() {
 *   return (name, builder) -> builder.route(ChargeCard.class, "billing");
 * }
 * }</pre>
 */
@FunctionalInterface
public interface PumpEndpointCustomizer {
  /** Customizes the builder of the endpoint {@code endpointName}. */
  void customize(String endpointName, EndpointBuilder builder);
}
