package dev.pump.core.recoverability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.spi.MessageDeserializationException;
import dev.pump.core.spi.MessageSerializationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecoverabilitySettingsTest {
  private static final Failure FAILURE =
      new Failure("m-1", "orders", Map.of(), new IllegalStateException("boom"));

  @Test
  void theDefaultsAreFiveImmediateThreeDelayedTenSecondStepsCappedAtADayAndTheErrorQueue() {
    Recoverability defaults = Recoverability.defaults();

    assertThat(defaults.immediateRetries()).isEqualTo(5);
    assertThat(defaults.delayedRetries()).isEqualTo(3);
    assertThat(defaults.delayedRetryIncrement()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.maxDelay()).isEqualTo(Duration.ofHours(24));
    assertThat(defaults.errorQueue()).isEqualTo("error");
  }

  @Test
  void theStandardPolicyRetriesImmediatelyThenDelaysLinearlyThenParks() {
    Recoverability defaults = Recoverability.defaults();

    assertThat(defaults.decide(FAILURE, new Attempts(0, 0)))
        .isEqualTo(RecoveryDecision.retryImmediately());
    assertThat(defaults.decide(FAILURE, new Attempts(4, 0)))
        .isEqualTo(RecoveryDecision.retryImmediately());
    assertThat(defaults.decide(FAILURE, new Attempts(5, 0)))
        .isEqualTo(RecoveryDecision.retryAfter(Duration.ofSeconds(10)));
    assertThat(defaults.decide(FAILURE, new Attempts(5, 1)))
        .isEqualTo(RecoveryDecision.retryAfter(Duration.ofSeconds(20)));
    assertThat(defaults.decide(FAILURE, new Attempts(5, 2)))
        .isEqualTo(RecoveryDecision.retryAfter(Duration.ofSeconds(30)));
    assertThat(defaults.decide(FAILURE, new Attempts(5, 3)))
        .isEqualTo(RecoveryDecision.moveToErrorQueue(Recoverability.REASON_RETRIES_EXHAUSTED));
  }

  @Test
  void delayedRetriesAreCappedAtTheMaximumDelay() {
    Recoverability capped =
        Recoverability.builder()
            .delayedRetries(100)
            .delayedRetryIncrement(Duration.ofHours(1))
            .build();

    assertThat(capped.decide(FAILURE, new Attempts(5, 50)))
        .isEqualTo(RecoveryDecision.retryAfter(Duration.ofHours(24)));
  }

  @Test
  void noRetriesParksAtTheFirstFailure() {
    assertThat(Recoverability.noRetries().decide(FAILURE, new Attempts(0, 0)))
        .isInstanceOf(RecoveryDecision.MoveToErrorQueue.class);
  }

  @Test
  void deserializationFailuresAreAlwaysUnrecoverableEvenUnderACustomPolicy() {
    Recoverability custom =
        Recoverability.builder().policy((f, a) -> RecoveryDecision.retryImmediately()).build();
    Failure unreadable =
        new Failure("m-1", "orders", Map.of(), new MessageDeserializationException("bad json"));

    assertThat(custom.decide(unreadable, new Attempts(0, 0)))
        .isEqualTo(RecoveryDecision.moveToErrorQueue(Recoverability.REASON_UNRECOVERABLE));
    assertThat(custom.mayRetryDelayed()).isTrue();
  }

  @Test
  void buildNamesEveryBadSettingAndItsValue() {
    assertThatThrownBy(() ->
            Recoverability.builder()
                .immediateRetries(-1)
                .delayedRetries(1001)
                .delayedRetryIncrement(Duration.ZERO)
                .errorQueue("error queue")
                .build())
        .hasMessageContaining("recoverability.immediateRetries must be between 0 and 1000, was -1")
        .hasMessageContaining("recoverability.delayedRetries must be between 0 and 1000, was 1001")
        .hasMessageContaining("recoverability.delayedRetryIncrement must be positive, was PT0S")
        .hasMessageContaining("recoverability.errorQueue")
        .hasMessageContaining("error queue");
  }

  @Test
  void configurationAndSerializationFailuresAreAlwaysUnrecoverable() {
    Recoverability custom =
        Recoverability.builder().policy((f, a) -> RecoveryDecision.retryImmediately()).build();

    for (RuntimeException e :
        List.of(
            new PumpConfigurationException("no route for message type Orphan"),
            new MessageSerializationException("cannot serialize message m-1"))) {
      assertThat(custom.decide(new Failure("m-1", "orders", Map.of(), e), new Attempts(0, 0)))
          .isEqualTo(RecoveryDecision.moveToErrorQueue(Recoverability.REASON_UNRECOVERABLE));
    }
  }

  @Test
  void maxDeliveriesDefaultsToFiftyAndMustBeBetweenOneAndOneHundredThousand() {
    assertThat(Recoverability.defaults().maxDeliveries())
        .isEqualTo(Recoverability.DEFAULT_MAX_DELIVERIES)
        .isEqualTo(50);
    assertThat(Recoverability.builder().maxDeliveries(1).build().maxDeliveries()).isEqualTo(1);
    assertThatThrownBy(() -> Recoverability.builder().maxDeliveries(0).build())
        .hasMessageContaining("recoverability.maxDeliveries must be between 1 and 100000, was 0");
  }

  @Test
  void aPolicyThatReturnsNullIsReportedWithTheMessageId() {
    Recoverability broken = Recoverability.builder().policy((f, a) -> null).build();

    assertThatThrownBy(() -> broken.decide(FAILURE, new Attempts(2, 1)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("returned null for message " + FAILURE.messageId())
        .hasMessageContaining(FAILURE.queue());
  }
}
