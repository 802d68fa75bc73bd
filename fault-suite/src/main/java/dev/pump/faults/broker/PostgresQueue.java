package dev.pump.faults.broker;

import dev.pump.faults.harness.Harness;
import java.util.List;
import java.util.Optional;

/**
 * The PostgreSQL transport: the queues are rows of the run's own database, where the books read
 * them, so there is nothing to prefix, point the processes at or transcribe.
 */
public record PostgresQueue() implements Broker {
  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public Optional<String> errorQueueFact() {
    return Optional.empty();
  }

  @Override
  public Run begin(String tag) {
    return new Run() {
      @Override
      public String prefix() {
        return "";
      }

      @Override
      public List<String> processArguments() {
        return List.of();
      }

      @Override
      public boolean nothingInTransit(Harness harness) {
        return harness.count("SELECT count(*) FROM pump.queue_message WHERE queue <> 'error'") == 0;
      }

      @Override
      public long errorQueueDepth(Harness harness) {
        return harness.count("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'");
      }

      @Override
      public void recordForTheBooks(Harness harness) {}

      @Override
      public void close() {}
    };
  }
}
