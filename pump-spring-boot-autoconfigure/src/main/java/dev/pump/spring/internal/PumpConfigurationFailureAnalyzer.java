package dev.pump.spring.internal;

import dev.pump.core.PumpConfigurationException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link PumpConfigurationException} that stopped the application from starting into Spring
 * Boot's report: Pump's own message, which names every bad setting and its value, and the {@code
 * pump.*} properties that set them.
 */
public final class PumpConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<PumpConfigurationException> {
  // the builders name settings as "dispatcher.maxBatchBytes", "storage.schema",
  // "endpoint.concurrency"
  private static final Pattern SETTING =
      Pattern.compile("\\b(storage|dispatcher|retention|endpoint)\\.([a-z][A-Za-z]*)");

  /** Creates the analyzer; Spring Boot calls it. */
  public PumpConfigurationFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, PumpConfigurationException cause) {
    Set<String> properties = new LinkedHashSet<>();
    Matcher matcher = SETTING.matcher(String.valueOf(cause.getMessage()));
    while (matcher.find()) {
      String group = matcher.group(1);
      String prefix = group.equals("endpoint") ? "pump.endpoints.<name>." : "pump." + group + ".";
      properties.add(prefix + kebab(matcher.group(2)));
    }
    String action =
        properties.isEmpty()
            ? "Fix the Pump settings named above: the pump.* properties, or the beans of your own"
                + " that configure Pump."
            : "Fix the Pump settings named above: the properties "
                + String.join(", ", properties)
                + ", or the beans of your own that configure Pump.";
    return new FailureAnalysis(
        "Pump's configuration is invalid: " + cause.getMessage(), action, cause);
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
