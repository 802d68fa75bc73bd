/**
 * Pump in Spring Boot's Actuator: the {@code pump} endpoint ({@link
 * dev.pump.spring.actuate.PumpOperationsEndpoint}), on Pump's operations API.
 */
package dev.pump.spring.actuate;
