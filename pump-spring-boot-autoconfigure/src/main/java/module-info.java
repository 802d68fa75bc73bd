/**
 * Pump for Spring Boot: auto-configuration that joins Spring-managed transactions ({@code
 * dev.pump.spring}), its {@code pump.*} properties ({@code dev.pump.spring.autoconfigure}) and the
 * Actuator endpoint ({@code dev.pump.spring.actuate}). Spring Boot is the application's: every
 * Spring module is required only at compile time, and {@code dev.pump.spring.internal} is not API.
 */
module dev.pump.spring {
  requires transitive dev.pump.jdbc;
  requires static transitive spring.core;
  requires static transitive spring.beans;
  requires static transitive spring.context;
  requires static transitive spring.tx;
  requires static transitive spring.jdbc;
  requires static transitive spring.orm;
  requires static transitive jakarta.persistence;
  requires static transitive spring.boot;
  requires static transitive spring.boot.autoconfigure;
  requires static transitive spring.boot.actuator;
  requires static transitive spring.boot.actuator.autoconfigure;
  requires static transitive spring.boot.health;
  requires static transitive dev.pump.micrometer;
  requires static transitive dev.pump.opentelemetry;
  requires static transitive dev.pump.jackson2;
  requires static transitive com.fasterxml.jackson.databind;
  requires static transitive micrometer.core;
  requires static transitive io.opentelemetry.api;
  requires static transitive dev.pump.console;
  requires static transitive jakarta.servlet;

  exports dev.pump.spring;
  exports dev.pump.spring.autoconfigure;
  exports dev.pump.spring.actuate;

  // Spring creates, proxies and binds these classes by reflection
  opens dev.pump.spring;
  opens dev.pump.spring.autoconfigure;
  opens dev.pump.spring.actuate;
  opens dev.pump.spring.internal;
}
