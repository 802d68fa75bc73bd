package dev.pump.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The watermark of one partition: the lowest unsettled offset, whatever the settle order. */
class PartitionLedgerTest {
  private static final TopicPartition PARTITION = new TopicPartition("orders", 0);

  @Test
  void theWatermarkIsTheLowestUnsettledOffset() {
    PartitionLedger ledger = new PartitionLedger(PARTITION, null);
    for (long offset = 10; offset < 15; offset++) {
      ledger.fetched(offset);
      ledger.handedOut();
    }
    ledger.returned(12, true);
    ledger.returned(14, true);
    assertThat(ledger.watermark()).isEqualTo(10);
    ledger.returned(10, true);
    assertThat(ledger.watermark()).isEqualTo(11);
    ledger.returned(11, false); // abandoned: still unsettled
    assertThat(ledger.watermark()).isEqualTo(11);
    ledger.handedOut();
    ledger.returned(11, true);
    ledger.returned(13, true);
    assertThat(ledger.watermark()).isEqualTo(15);
    assertThat(ledger.handedOutCount()).isZero();
  }

  @Test
  void aPassedOverRecordDoesNotHoldTheWatermark() {
    PartitionLedger ledger = new PartitionLedger(PARTITION, null);
    ledger.passedOver(0);
    ledger.fetched(1);
    ledger.passedOver(2);
    assertThat(ledger.watermark()).isEqualTo(1);
    ledger.handedOut();
    ledger.returned(1, true);
    assertThat(ledger.watermark()).isEqualTo(3);
  }

  @Test
  void aCommitIsSentOnlyWhenTheWatermarkOrTheFetchedEndMoved() {
    PartitionLedger ledger = new PartitionLedger(PARTITION, null);
    assertThat(ledger.toCommit()).isNull();
    ledger.fetched(0);
    OffsetAndMetadata first = ledger.toCommit();
    assertThat(first.offset()).isZero();
    assertThat(first.metadata()).isEqualTo("pump:fetched-end=1");
    ledger.committing(first);
    assertThat(ledger.toCommit()).isNull();
    ledger.handedOut();
    assertThat(ledger.toCommit()).as("handing out changes nothing to commit").isNull();
    ledger.fetched(1);
    OffsetAndMetadata marked = ledger.toCommit();
    assertThat(marked.offset()).isZero();
    assertThat(marked.metadata()).isEqualTo("pump:fetched-end=2");
  }

  @Test
  void recordsTheLastOwnerFetchedCountAsDeliveredBefore() {
    PartitionLedger ledger =
        new PartitionLedger(PARTITION, new OffsetAndMetadata(5, "pump:fetched-end=8"));
    assertThat(ledger.firstDeliveryCount(5)).isEqualTo(2);
    assertThat(ledger.firstDeliveryCount(7)).isEqualTo(2);
    assertThat(ledger.firstDeliveryCount(8)).isEqualTo(1);
    assertThat(
            new PartitionLedger(PARTITION, new OffsetAndMetadata(5, "other")).firstDeliveryCount(5))
        .isEqualTo(1);
  }
}
