package dev.pump.console.internal;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pages' templates (src/main/jte), compiled to classes at build time with HTML content type:
 * every {@code ${...}} is escaped for where it stands. Thread-safe.
 */
final class Templates {
  private static final String PACKAGE = "dev.pump.console.internal.templates";

  private final TemplateEngine engine =
      TemplateEngine.createPrecompiled(
          null, ContentType.Html, Templates.class.getClassLoader(), PACKAGE);

  /** Page {@code name} ("failed.jte") with the frame and its view. */
  byte[] page(String name, Views.Frame frame, Object view) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("frame", frame);
    parameters.put("view", view);
    StringOutput output = new StringOutput(16 * 1024);
    engine.render(name, parameters, output);
    return output.toString().getBytes(StandardCharsets.UTF_8);
  }
}
