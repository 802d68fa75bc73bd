package dev.pump.core.spi.pipeline;

/** The rest of the chain after a middleware link. */
@FunctionalInterface
public interface Next {
  /**
   * Runs the rest of the chain; returns when it succeeded.
   *
   * @throws Exception whatever a later link or handler threw
   */
  void proceed() throws Exception;
}
