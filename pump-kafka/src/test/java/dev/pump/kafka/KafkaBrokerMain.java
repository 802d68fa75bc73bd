package dev.pump.kafka;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the tests' in-process Kafka broker until the process is stopped, for what needs one outside
 * a test (a benchmark, the shop example): it prints {@code bootstrap=host:port} when ready.
 *
 * <pre>
 * ./mvnw -q -pl pump-kafka exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.pump.kafka.KafkaBrokerMain
 * </pre>
 */
public final class KafkaBrokerMain {
  private KafkaBrokerMain() {}

  /** Starts the broker and waits until the process ends. */
  public static void main(String[] args) throws InterruptedException {
    System.out.println("bootstrap=" + KafkaBroker.bootstrapServers());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
