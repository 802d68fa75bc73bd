package dev.pump.faults.scenario;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.harness.Fleet;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.harness.LoadGenerator;
import dev.pump.faults.harness.Waits;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.sut.CrashPlan;
import dev.pump.faults.sut.Sut;
import dev.pump.testkit.TcpRelay;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * broker-outage: the system under test runs on RabbitMQ with the outbox in PostgreSQL, its
 * processes reaching the broker through a loopback {@link TcpRelay}. The harness drops their
 * connections twice, then makes the broker unreachable for a while; the outbox must accumulate and
 * drain afterwards, and the books must be clean. The endpoint process also crashes once after a
 * handler's transaction committed and before the broker got the acknowledgement, and the dispatcher
 * once between a publish and its mark; both are relaunched. Queues carry a per-run prefix so runs
 * on a shared broker do not meet; they are deleted afterwards.
 */
public final class BrokerOutage {
  /**
   * The size of a run.
   *
   * @param inputs input messages (10% sent twice)
   * @param perSecond input pace: the load must outlast the outage
   * @param outage how long the broker stays unreachable
   * @param seed the seed of the fault schedule
   * @param timeout how long the run may take to settle after the faults
   */
  public record Settings(int inputs, int perSecond, Duration outage, long seed, Duration timeout) {}

  private BrokerOutage() {}

  /** The broker: {@code PUMP_TEST_RABBITMQ_URI}, else the default local one. */
  public static String brokerUri() {
    String uri = System.getenv("PUMP_TEST_RABBITMQ_URI");
    return uri == null || uri.isBlank() ? "amqp://guest:guest@127.0.0.1:5672" : uri.trim();
  }

  /** Runs the scenario on a fresh database of {@code server} and the broker at {@code broker}. */
  public static Outcome run(FaultDatabase server, String name, String broker, Settings s, Path logs)
      throws Exception {
    Random random = new Random(s.seed());
    URI target = new URI(broker);
    String prefix = "pf" + Long.toString(System.nanoTime(), 36) + "-";
    try (Harness harness = new Harness(server, name);
        TcpRelay cutter =
            new TcpRelay(target.getHost(), target.getPort() < 0 ? 5672 : target.getPort())) {
      URI proxied =
          new URI(
              target.getScheme(),
              target.getRawUserInfo(),
              "127.0.0.1",
              cutter.port(),
              target.getRawPath(),
              null,
              null);
      harness
          .storage()
          .jdbi()
          .useHandle(h -> {
            for (String endpoint : Sut.ENDPOINTS) {
              h.execute("INSERT INTO fault_route VALUES (?, ?)", prefix + endpoint, endpoint);
            }
          });
      Fleet fleet =
          harness
              .fleet(logs.resolve(name))
              .extraArguments(
                  List.of("--rabbitmq-uri", proxied.toString(), "--queue-prefix", prefix));
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("seed", s.seed());
      try {
        // one real crash each, relaunched by the harness: after the handler's transaction committed
        // and before the broker got the ack, and between a batch's publish and its mark
        fleet.add(
            "endpoints-1",
            "orders,billing,shipping",
            Set.of(),
            10,
            CrashPlan.at(CrashPlan.Point.BEFORE_ACK, 50 + random.nextInt(100)));
        fleet.add(
            "dispatcher-1",
            "dispatcher",
            Set.of(),
            10,
            CrashPlan.at(CrashPlan.Point.AFTER_SEND, 1 + random.nextInt(10)));
        Waits.Step relaunch = () -> fleet.relaunchEnded(m -> CrashPlan.never());
        Waits.until(fleet::allReady, Duration.ofMinutes(1), relaunch);
        LoadGenerator load =
            new LoadGenerator(
                    harness.storage(), harness.web(), s.inputs(), 0.1, s.seed() + 1, s.perSecond())
                .destination(prefix + "orders");
        Thread loader = Thread.ofPlatform().name("load").start(load);
        for (int drop = 0; drop < 2; drop++) {
          Waits.pause(Duration.ofMillis(1000 + random.nextInt(2000)), relaunch);
          cutter.cut(); // every connection dropped; the clients reconnect at once
          cutter.restore();
        }
        Waits.pause(Duration.ofMillis(500 + random.nextInt(1000)), relaunch);
        cutter.cut();
        Waits.pause(s.outage(), relaunch);
        String pending =
            "SELECT count(*) FROM pump.outbox WHERE dispatched_at IS NULL AND parked_at IS NULL";
        facts.put("outageSeconds", s.outage().toSeconds());
        facts.put("pendingAtEndOfOutage", harness.count(pending));
        cutter.restore();
        long back = System.nanoTime();
        Waits.until(() -> !loader.isAlive(), s.timeout(), relaunch);
        boolean drained = Waits.until(() -> harness.count(pending) == 0, s.timeout(), relaunch);
        facts.put("drainedAfterMs", drained ? (System.nanoTime() - back) / 1_000_000 : -1);
        boolean settled =
            Waits.until(
                () ->
                    harness.count(pending) == 0
                        && harness.handled("orders") == s.inputs()
                        && harness.handled("billing") == s.inputs()
                        && harness.handled("shipping") == s.inputs()
                        && brokerEmpty(broker, prefix),
                s.timeout(),
                relaunch);
        facts.put("settled", settled);
        facts.put("plannedCrashes", fleet.crashes());
        facts.put("brokerErrorQueue", depth(broker, prefix + Sut.ERROR_QUEUE));
        facts.put(
            "expectationsMet",
            (Long) facts.get("pendingAtEndOfOutage") > 0
                && (Long) facts.get("brokerErrorQueue") == 0);
        fleet.close();
        // the broker's bindings, which the database cannot see: shipping subscribes to OrderPlaced
        harness.recordBrokerSubscription(prefix + "shipping");
        return new Outcome(name, harness.books(), facts);
      } finally {
        fleet.close();
        deleteQueues(broker, prefix);
      }
    }
  }

  private static boolean brokerEmpty(String broker, String prefix) throws Exception {
    for (String endpoint : Sut.ENDPOINTS) {
      if (depth(broker, prefix + endpoint) != 0) {
        return false;
      }
    }
    return true;
  }

  private static long depth(String broker, String queue) throws Exception {
    try (Connection connection = factory(broker).newConnection("pump-faults-harness");
        Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(queue).getMessageCount();
    }
  }

  /** Deletes the queues of a run whose names start with {@code prefix}; missing ones are fine. */
  static void deleteQueues(String broker, String prefix) {
    for (String endpoint : List.of("orders", "billing", "shipping", Sut.ERROR_QUEUE)) {
      try (Connection connection = factory(broker).newConnection("pump-faults-harness");
          Channel channel = connection.createChannel()) {
        channel.queueDelete(prefix + endpoint);
      } catch (Exception e) {
        // not there: nothing to clean
      }
    }
  }

  static ConnectionFactory factory(String broker) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(broker);
    return factory;
  }

  /** True when a broker answers at {@code broker}. */
  public static boolean brokerAnswers(String broker) {
    try (Connection connection = factory(broker).newConnection("pump-faults-probe")) {
      return connection.isOpen();
    } catch (Exception e) {
      return false;
    }
  }
}
