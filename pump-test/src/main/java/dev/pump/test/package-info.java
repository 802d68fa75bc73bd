/**
 * Testing an application's handlers and flows. {@link dev.pump.test.TestContext} runs one handler
 * without a database and records what it sent; {@link dev.pump.test.PumpTest} runs endpoints on a
 * real PostgreSQL and gives the test a {@link dev.pump.test.TestPump} that waits until the flow is
 * idle, reads the outbox and the error queue, and moves time with its {@link
 * dev.pump.test.TestClock}. Under Spring Boot, {@code dev.pump.test.spring.AutoConfigurePumpTest}
 * does the same for the application's own endpoints.
 */
package dev.pump.test;
