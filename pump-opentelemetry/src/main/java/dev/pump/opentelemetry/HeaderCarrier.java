package dev.pump.opentelemetry;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Map;

/** Reads and writes trace context in a message's headers. Stateless. */
enum HeaderCarrier
    implements TextMapGetter<Map<String, String>>, TextMapSetter<Map<String, String>> {
  INSTANCE;

  @Override
  public String get(Map<String, String> headers, String key) {
    return headers == null ? null : headers.get(key);
  }

  @Override
  public void set(Map<String, String> headers, String key, String value) {
    if (headers != null) {
      headers.put(key, value);
    }
  }
}
