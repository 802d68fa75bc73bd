package dev.pump.test.spring;

import dev.pump.test.internal.spring.PumpTestAutoConfiguration;
import dev.pump.test.internal.spring.PumpTestContextCustomizers;
import dev.pump.test.internal.spring.SpringPumpExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Runs a {@code @SpringBootTest}'s application, its Pump endpoints included, under the test kit:
 * inject a {@link dev.pump.test.TestPump} (a test method parameter, or {@code @Autowired}) to wait
 * until the flow is idle and assert on the outbox and the error queue.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigurePumpTest
 * class CheckoutTest {
 *   @Autowired OrderService orders;
 *
 *   @Test
 *   void anOrderIsCharged(TestPump pump) {
 *     orders.place("o-1", 4200);
 *     pump.awaitIdle();
 *     assertThat(pump.errorQueue()).isEmpty();
 *   }
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>The database:</b> a fresh PostgreSQL database for the test class, on the server {@code
 *       PUMP_TEST_JDBC_URL} names or else on an embedded PostgreSQL started once per JVM, given to
 *       the application as {@code spring.datasource.url}, {@code .username} and {@code .password}
 *       (ahead of every other source of those properties). Its Pump schema and its own tables are
 *       created as at any start-up. The application context is closed after the class ({@code
 *       DirtiesContext}), and the database dropped.
 *   <li><b>The endpoints:</b> the application's own, with its properties and handler beans; the kit
 *       adds a telemetry (so it knows what is being handled) and gives every endpoint the kit's
 *       {@link dev.pump.test.TestClock}. A {@code Clock} the application injects into its own code
 *       does not move with it.
 *   <li><b>Per test method:</b> {@link dev.pump.test.TestPump#outbox()} and {@link
 *       dev.pump.test.TestPump#errorQueue()} show the rows written since the method began; failures
 *       are counted from there. The application keeps running between methods, as in any Spring
 *       test.
 * </ul>
 *
 * Spring Boot 3.5 or 4.0, with {@code spring-boot-starter-test}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ImportAutoConfiguration(PumpTestAutoConfiguration.class)
@ContextCustomizerFactories(PumpTestContextCustomizers.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(SpringPumpExtension.class)
public @interface AutoConfigurePumpTest {}
