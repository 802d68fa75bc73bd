package dev.pump.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit 5 test class with {@link PumpTestExtension}: declare a {@link TestPump} parameter on
 * a test, {@code @BeforeEach}, {@code @AfterEach} or {@code @BeforeAll} method to get the class's
 * Pump on a real PostgreSQL.
 *
 * <pre>{@code
 * @PumpTest
 * class CheckoutFlowTest {
 *   @Test
 *   void anOrderIsCharged(TestPump pump) {
 *     pump.start(Checkout.orders(), Checkout.billing());
 *     pump.send("orders", new PlaceOrder("o-1", 4200));
 *     pump.awaitIdle();
 *     assertThat(pump.sent("billing", ChargeCard.class)).containsExactly(new ChargeCard("o-1", 4200));
 *   }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(PumpTestExtension.class)
public @interface PumpTest {}
