package dev.pump.benchmarks.harness;

/** The transport a drain or an end-to-end run uses. */
public enum TransportKind {
  POSTGRES("postgres"),
  RABBITMQ("rabbitmq"),
  KAFKA("kafka");

  /** How results name it. */
  public final String label;

  TransportKind(String label) {
    this.label = label;
  }
}
