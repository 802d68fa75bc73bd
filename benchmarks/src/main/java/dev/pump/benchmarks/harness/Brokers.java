package dev.pump.benchmarks.harness;

/**
 * The brokers a run may use beside PostgreSQL.
 *
 * @param rabbitUri RabbitMQ's URI, or null to leave it out
 * @param kafkaBootstrap Kafka's bootstrap servers, or null to leave it out
 */
public record Brokers(String rabbitUri, String kafkaBootstrap) {
  /** No broker: the PostgreSQL queue transport only. */
  public static Brokers none() {
    return new Brokers(null, null);
  }
}
