package dev.pump.core.memory;

import dev.pump.core.spi.QueueBrowserContractTest;
import dev.pump.core.spi.Transport;

/** The in-memory transport's browser keeps the browser contract. */
class InMemoryQueueBrowserContractTest extends QueueBrowserContractTest {
  @Override
  protected Transport createTransport() {
    return InMemoryTransport.create();
  }
}
