package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile names are refused at the boundary, and the database is left untouched. */
@ExtendWith(PostgresExtension.class)
class HostileNamesTest {
  static JdbcStorage storage;
  static PostgresTransport transport;

  @BeforeAll
  static void create(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    transport = PostgresTransport.builder().storage(storage).build();
  }

  @AfterAll
  static void close() {
    transport.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "orders'; DELETE FROM pump.outbox; --",
        "orders\"",
        "orders;",
        "or ders",
        "-- comment",
        "/* x */",
        "оrders", // Cyrillic o
        "orders\n",
        "",
        "a234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012"
      })
  void everyOperationRefusesAHostileQueueOrTopicName(String hostile) {
    long rowsBefore = rows();
    OutgoingMessage message = OutgoingMessage.of("m", Map.of(), new byte[0]);

    assertThatThrownBy(() -> transport.send(hostile, List.of(message)))
        .isInstanceOf(PumpConfigurationException.class);
    assertThatThrownBy(() -> transport.publish(List.of(hostile), List.of(message)))
        .isInstanceOf(PumpConfigurationException.class);
    assertThatThrownBy(() -> transport.receive(hostile, Duration.ZERO))
        .isInstanceOf(PumpConfigurationException.class);
    assertThatThrownBy(() -> transport.createQueue(hostile))
        .isInstanceOf(PumpConfigurationException.class);
    assertThatThrownBy(() -> transport.subscribe(hostile, "orders"))
        .isInstanceOf(PumpConfigurationException.class);
    assertThatThrownBy(() -> transport.subscribe("orders", hostile))
        .isInstanceOf(PumpConfigurationException.class);
    assertThatThrownBy(() -> storage.operations().requeueParked(hostile))
        .isInstanceOf(PumpConfigurationException.class);

    assertThat(rows()).isEqualTo(rowsBefore);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pump\"; DROP SCHEMA public; --", "Pump", "with space", "pg_pump"})
  void aHostileSchemaIsRefusedBeforeAnyConnection(String hostile) {
    assertThatThrownBy(() ->
            JdbcStorage.builder()
                .jdbcUrl("jdbc:postgresql://nowhere.invalid/x", "u", "p")
                .schema(hostile)
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("storage.schema");
  }

  private static long rows() {
    return storage
        .jdbi()
        .withHandle(h ->
            h.createQuery(
                    "SELECT (SELECT count(*) FROM pump.queue_message) + (SELECT count(*) FROM pump.subscription)"
                        + " + (SELECT count(*) FROM pump.outbox)")
                .mapTo(Long.class)
                .one());
  }
}
