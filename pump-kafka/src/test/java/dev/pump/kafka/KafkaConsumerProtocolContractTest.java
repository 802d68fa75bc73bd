package dev.pump.kafka;

/**
 * The transport contract with Kafka's newer consumer group protocol (KIP-848, {@code
 * group.protocol=consumer}): the broker assigns the partitions, and rebalances do not stop the
 * group.
 */
class KafkaConsumerProtocolContractTest extends KafkaTransportContractTest {
  @Override
  protected KafkaTransport.Builder builder() {
    return super.builder().consumerProperty("group.protocol", "consumer");
  }
}
