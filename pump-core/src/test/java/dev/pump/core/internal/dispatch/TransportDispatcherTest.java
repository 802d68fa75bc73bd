package dev.pump.core.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.pipeline.PendingMessage;
import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.core.testing.RecordingTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransportDispatcherTest {
  @Test
  void aFailedSendNamesTheDestinationTheBatchSizeItsFirstIdsAndWhichBatchFailed() {
    RecordingTransport transport = new RecordingTransport(InMemoryTransport.create());
    AtomicInteger calls = new AtomicInteger();
    transport.beforeSend(() -> {
      if (calls.incrementAndGet() == 2) {
        throw new TransportException("broker refused the batch");
      }
    });
    List<PendingMessage> pending = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      pending.add(
          new PendingMessage(
              Destination.queue("orders"), OutgoingMessage.of("m-" + i, Map.of(), new byte[1])));
    }

    assertThatThrownBy(
            () -> new TransportDispatcher(transport, 5, 1024, Telemetry.NONE).dispatch(pending))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("a batch of 2 message(s) to queue orders")
        .hasMessageContaining("ids m-5, m-6")
        .hasMessageContaining("batch 2 of 2")
        .hasMessageContaining("broker refused the batch")
        .hasCauseInstanceOf(TransportException.class);
  }
}
