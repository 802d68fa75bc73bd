package dev.pump.rabbitmq;

/**
 * Counters of what a {@link RabbitMqTransport} has published since it was built: a window into
 * batching, for metrics and tests. A snapshot; each counter is read separately.
 *
 * @param batchesConfirmed send and publish calls whose whole batch the broker confirmed
 * @param messagesConfirmed messages in those batches
 * @param confirmWaits waits for publisher confirms, one per batch attempted (confirmed or not)
 */
public record PublishStatistics(long batchesConfirmed, long messagesConfirmed, long confirmWaits) {}
