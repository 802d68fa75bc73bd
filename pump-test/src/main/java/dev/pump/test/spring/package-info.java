/**
 * The test kit in a Spring Boot test: {@link dev.pump.test.spring.AutoConfigurePumpTest} beside
 * {@code @SpringBootTest}. Needs Spring Boot's test support on the class path, which the
 * application's tests already have.
 */
package dev.pump.test.spring;
