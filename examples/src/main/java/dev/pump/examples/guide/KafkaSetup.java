package dev.pump.examples.guide;

import dev.pump.kafka.KafkaTransport;

/** The Java of docs/kafka.md: a Kafka transport. */
public final class KafkaSetup {
  private KafkaSetup() {}

  /** A transport for an endpoint of concurrency 32 on a cluster of two brokers. */
  public static KafkaTransport transport() {
    // docs:kafka-builder
    KafkaTransport transport =
        KafkaTransport.builder()
            .bootstrapServers("kafka-1:9092,kafka-2:9092")
            .clientId("shop")
            .maxInFlight(64) // twice the endpoint's concurrency
            .build();
    // docs:end
    return transport;
  }
}
