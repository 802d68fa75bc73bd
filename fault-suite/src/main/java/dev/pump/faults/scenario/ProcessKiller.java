package dev.pump.faults.scenario;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.pump.core.SendOptions;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.harness.Fleet;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.harness.LoadGenerator;
import dev.pump.faults.harness.Waits;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.sut.CrashPlan;
import dev.pump.faults.sut.Messages.PlaceOrder;
import dev.pump.faults.sut.Sut;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * process-killer-postgresql and process-killer-rabbitmq: one input halts every process that handles
 * it, among ordinary inputs. The harness relaunches the endpoint process after each death.
 * Promised: after {@link Sut#MAX_DELIVERIES} deliveries the message is parked in the error queue
 * with reason {@code too-many-deliveries} and everything else is handled. On a broker, the harness
 * transcribes the broker's error queue into {@code fault_broker_error} for the books, and reports
 * how many messages it holds at the end ({@code brokerErrorQueue}, 1).
 */
public final class ProcessKiller {
  private ProcessKiller() {}

  /**
   * Runs the probe on the PostgreSQL transport ({@code broker} null) or on RabbitMQ, giving up
   * after {@code maxLaunches} launches of the endpoint process.
   */
  public static Outcome run(
      FaultDatabase server, String name, String broker, int maxLaunches, Path logs)
      throws Exception {
    String prefix = broker == null ? "" : "pk" + Long.toString(System.nanoTime(), 36) + "-";
    try (Harness harness = new Harness(server, name)) {
      Fleet fleet = harness.fleet(logs.resolve(name));
      if (broker != null) {
        fleet.extraArguments(List.of("--rabbitmq-uri", broker, "--queue-prefix", prefix));
        harness
            .storage()
            .jdbi()
            .useHandle(h -> {
              for (String endpoint : Sut.ENDPOINTS) {
                h.execute("INSERT INTO fault_route VALUES (?, ?)", prefix + endpoint, endpoint);
              }
            });
      }
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("transport", broker == null ? "postgresql" : "rabbitmq");
      try {
        Fleet.Member endpoints =
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
        int[] launches = {1};
        boolean parked =
            Waits.until(
                () -> parked(harness, broker, prefix) || launches[0] > maxLaunches,
                Duration.ofMinutes(10),
                () -> launches[0] += fleet.relaunchEnded(m -> CrashPlan.never()));
        parked = parked && parked(harness, broker, prefix);
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
        facts.put("expectationsMet", parked && settled);
        fleet.close();
        if (broker != null) {
          // the broker's error queue, which the books cannot see: the killer alone must be there
          facts.put("brokerErrorQueue", depth(broker, prefix + Sut.ERROR_QUEUE));
          // the broker's bindings, which the database cannot see
          harness.recordBrokerSubscription(prefix + "shipping");
        }
        return new Outcome(name, harness.books(), facts);
      } finally {
        fleet.close();
        if (broker != null) {
          BrokerOutage.deleteQueues(broker, prefix);
        }
      }
    }
  }

  private static long depth(String broker, String queue) throws Exception {
    try (Connection connection = BrokerOutage.factory(broker).newConnection("pump-faults-harness");
        Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(queue).getMessageCount();
    }
  }

  private static boolean parked(Harness harness, String broker, String prefix) throws Exception {
    if (broker == null) {
      return harness.count("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'") > 0;
    }
    try (Connection connection = BrokerOutage.factory(broker).newConnection("pump-faults-harness");
        Channel channel = connection.createChannel()) {
      GetResponse got;
      try {
        got = channel.basicGet(prefix + Sut.ERROR_QUEUE, false);
      } catch (java.io.IOException e) {
        return false; // the error queue is not declared yet
      }
      if (got == null) {
        return false;
      }
      Object reason = got.getProps().getHeaders().get("pump.failure.reason");
      harness
          .storage()
          .jdbi()
          .useHandle(h ->
              h.execute(
                  "INSERT INTO fault_broker_error VALUES (?, ?)",
                  got.getProps().getMessageId(),
                  String.valueOf(reason)));
      return true;
    }
  }
}
