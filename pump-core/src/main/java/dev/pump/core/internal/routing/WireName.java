package dev.pump.core.internal.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A message type's name on the wire and the earlier names it is still received under.
 *
 * @param name the name written in headers and used as the topic
 * @param aliases earlier names, in declaration order; may hold nulls as registered, which {@link
 *     MessageNames} reports
 */
public record WireName(String name, List<String> aliases) {
  /** Copies the aliases; a null array is no aliases, a null element is kept for validation. */
  public static WireName of(String name, String... aliases) {
    return new WireName(
        name,
        aliases == null
            ? List.of()
            : Collections.unmodifiableList(new ArrayList<>(Arrays.asList(aliases))));
  }
}
