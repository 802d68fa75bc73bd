package dev.pump.core.internal.shared;

import dev.pump.core.Headers;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers of a failed message as it goes back to the queue it failed in: without the {@code
 * pump.failure.*} headers and the delayed-retry count, so it starts afresh. Thread-safe.
 */
public final class FailureHeaders {
  private FailureHeaders() {}

  /** {@code headers} without what the error queue added. */
  public static Map<String, String> restored(Map<String, String> headers) {
    Map<String, String> restored = new LinkedHashMap<>(headers);
    restored.keySet().removeIf(h -> h.startsWith(Headers.FAILURE_PREFIX));
    restored.remove(Headers.DELAYED_RETRIES);
    return restored;
  }
}
