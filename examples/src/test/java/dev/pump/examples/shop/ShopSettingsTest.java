package dev.pump.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ShopSettingsTest {
  @Test
  void noSettingsMeansEmbeddedPostgresAndPostgresQueues() {
    ShopSettings settings = ShopSettings.parse(new String[0], Map.of());

    assertThat(settings.embeddedDatabase()).isTrue();
    assertThat(settings.rabbitMq()).isFalse();
  }

  @Test
  void theCommandLineWinsOverTheEnvironment() {
    ShopSettings settings =
        ShopSettings.parse(
            new String[] {"--jdbc-url=jdbc:postgresql://db/shop", "--jdbc-user=shop"},
            Map.of(
                "PUMP_JDBC_URL", "jdbc:postgresql://other/x",
                "PUMP_JDBC_PASSWORD", "secret"));

    assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db/shop");
    assertThat(settings.user()).isEqualTo("shop");
    assertThat(settings.password()).isEqualTo("secret");
    assertThat(settings.toString()).doesNotContain("secret");
  }

  @Test
  void rabbitMqWithOrWithoutAnAddress() {
    assertThat(ShopSettings.parse(new String[] {"--rabbitmq"}, Map.of()).rabbitMqUri())
        .isEqualTo(ShopSettings.DEFAULT_RABBITMQ_URI);
    assertThat(
            ShopSettings.parse(new String[] {"--rabbitmq=amqp://rabbit:5672"}, Map.of())
                .rabbitMqUri())
        .isEqualTo("amqp://rabbit:5672");
  }

  @Test
  void kafkaWithOrWithoutAnAddressButNotBesideRabbitMq() {
    ShopSettings kafka = ShopSettings.parse(new String[] {"--kafka"}, Map.of());
    assertThat(kafka.kafkaBootstrap()).isEqualTo(ShopSettings.DEFAULT_KAFKA_BOOTSTRAP);
    assertThat(kafka.broker()).isTrue();
    assertThat(kafka.toString()).contains("Kafka");
    assertThat(
            ShopSettings.parse(new String[] {"--kafka=k1:9092,k2:9092"}, Map.of()).kafkaBootstrap())
        .isEqualTo("k1:9092,k2:9092");
    assertThatThrownBy(() -> ShopSettings.parse(new String[] {"--kafka", "--rabbitmq"}, Map.of()))
        .hasMessageContaining("not both");
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> ShopSettings.parse(new String[] {"--jdbc=x"}, Map.of()))
        .hasMessage("unknown option --jdbc=x");
    assertThatThrownBy(
            () -> ShopSettings.parse(new String[] {"--jdbc-url=jdbc:mysql://db/x"}, Map.of()))
        .hasMessageContaining("must be a PostgreSQL JDBC URL");
  }
}
