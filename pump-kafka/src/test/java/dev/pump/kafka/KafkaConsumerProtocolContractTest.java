package dev.pump.kafka;

import dev.pump.core.spi.Transport;

/**
 * The transport contract with Kafka's newer consumer group protocol (KIP-848, {@code
 * group.protocol=consumer}): the broker assigns the partitions, and rebalances do not stop the
 * group.
 */
class KafkaConsumerProtocolContractTest extends KafkaTransportContractTest {
  @Override
  protected Transport createTransport() {
    return KafkaTransport.builder()
        .bootstrapServers(KafkaBroker.bootstrapServers())
        .clientId("pump-contract-test-kip848")
        .maxInFlight(8)
        .consumerProperty("group.protocol", "consumer")
        .build();
  }
}
