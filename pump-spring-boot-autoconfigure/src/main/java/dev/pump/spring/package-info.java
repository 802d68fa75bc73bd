/**
 * Pump in a Spring application: {@link dev.pump.spring.PumpSender} sends from Spring-managed
 * transactions, handlers are {@link dev.pump.core.Handler} beans (assigned with {@link
 * dev.pump.spring.PumpEndpoint}), {@link dev.pump.spring.PumpEndpointCustomizer} adjusts an
 * endpoint's builder, and {@link dev.pump.spring.SpringTransactionHost} runs Pump's message
 * transactions in Spring's transaction manager.
 */
package dev.pump.spring;
