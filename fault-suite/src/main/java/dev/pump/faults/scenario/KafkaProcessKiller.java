package dev.pump.faults.scenario;

import dev.pump.core.Headers;
import dev.pump.core.SendOptions;
import dev.pump.core.spi.QueueBrowser;
import dev.pump.core.spi.QueueBrowser.Decision;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.harness.Fleet;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.harness.LoadGenerator;
import dev.pump.faults.harness.Waits;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.sut.CrashPlan;
import dev.pump.faults.sut.Messages.PlaceOrder;
import dev.pump.faults.sut.Sut;
import dev.pump.kafka.KafkaTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * process-killer-kafka: one input halts every process that handles it, among 100 ordinary inputs,
 * on Kafka; the harness relaunches the endpoint process after each death. Promised: after {@link
 * Sut#MAX_DELIVERIES} deliveries the message is parked in the error topic with reason {@code
 * too-many-deliveries}, and nothing else is. It holds only if a record's delivery is on record
 * before its handler runs: the end of what a consumer fetched is committed before it hands any of
 * it out. The harness transcribes the error topic into {@code fault_broker_error} for the books.
 */
public final class KafkaProcessKiller {
  private KafkaProcessKiller() {}

  /** Runs the probe against the Kafka at {@code bootstrap}, giving up after {@code maxLaunches}. */
  public static Outcome run(
      FaultDatabase server, String name, String bootstrap, int maxLaunches, Path logs)
      throws Exception {
    String prefix = "kk" + Long.toString(System.nanoTime(), 36) + "-";
    try (Harness harness = new Harness(server, name);
        KafkaTransport probe =
            KafkaTransport.builder()
                .bootstrapServers(bootstrap)
                .clientId("pump-faults-harness")
                .build()) {
      Fleet fleet =
          harness
              .fleet(logs.resolve(name))
              .extraArguments(List.of("--kafka-bootstrap", bootstrap, "--queue-prefix", prefix));
      harness
          .storage()
          .jdbi()
          .useHandle(h -> {
            for (String endpoint : Sut.ENDPOINTS) {
              h.execute("INSERT INTO fault_route VALUES (?, ?)", prefix + endpoint, endpoint);
            }
          });
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("transport", "kafka");
      try {
        fleet.add("endpoints-1", "orders,billing,shipping", Set.of(), 10, CrashPlan.never());
        fleet.add("dispatcher-1", "dispatcher", Set.of(), 10, CrashPlan.never());
        Waits.until(fleet::allReady, Duration.ofMinutes(1), () -> {});
        new LoadGenerator(harness.storage(), harness.web(), 100, 0, 8L, 0)
            .destination(prefix + "orders")
            .run();
        harness
            .storage()
            .inTransaction(
                harness.web(),
                (h, sender) -> {
                  h.execute(
                      "INSERT INTO fault_poison VALUES ('killer-1', ?, 'process-killer', 'error')",
                      prefix + "orders");
                  sender.send(
                      prefix + "orders",
                      new PlaceOrder("killer", Sut.PROCESS_KILLER),
                      SendOptions.builder().messageId("killer-1").build());
                  return null;
                });
        QueueBrowser errors = probe.browser().orElseThrow();
        String errorTopic = prefix + Sut.ERROR_QUEUE;
        int[] launches = {1};
        boolean parked =
            Waits.until(
                () ->
                    errors.browse(errorTopic, 10, m -> Decision.KEEP) > 0
                        || launches[0] > maxLaunches,
                Duration.ofMinutes(10),
                () -> launches[0] += fleet.relaunchEnded(m -> CrashPlan.never()));
        parked = parked && errors.browse(errorTopic, 10, m -> Decision.KEEP) > 0;
        facts.put("endpointLaunches", launches[0]);
        facts.put("killerParked", parked);
        boolean settled =
            Waits.until(
                () ->
                    harness.settled(100)
                        && harness.count("SELECT count(DISTINCT message_id) FROM fault_effect")
                            == 300,
                Duration.ofMinutes(2),
                () -> fleet.relaunchEnded(m -> CrashPlan.never()));
        facts.put("othersHandled", settled);
        fleet.close();
        // the error topic, which the books cannot see: the killer alone must be there
        List<String[]> inErrorTopic = new ArrayList<>();
        errors.browse(
            errorTopic,
            1_000,
            m -> {
              inErrorTopic.add(
                  new String[] {m.messageId(), m.headers().get(Headers.FAILURE_REASON)});
              return Decision.KEEP;
            });
        harness
            .storage()
            .jdbi()
            .useHandle(h -> {
              for (String[] parkedMessage : inErrorTopic) {
                h.execute(
                    "INSERT INTO fault_broker_error VALUES (?, ?)",
                    parkedMessage[0],
                    parkedMessage[1]);
              }
            });
        facts.put("errorTopic", inErrorTopic.size());
        facts.put("expectationsMet", parked && settled && inErrorTopic.size() == 1);
        // the consumer groups' subscriptions, which the database cannot see
        harness.recordBrokerSubscription(prefix + "shipping");
        return new Outcome(name, harness.books(), facts);
      } finally {
        fleet.close();
      }
    }
  }
}
