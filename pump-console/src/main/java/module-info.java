/**
 * Pump's web console: {@code dev.pump.console} ({@link dev.pump.console.PumpConsole}, its JDK HTTP
 * server and its servlet). The servlet API is the container's, required only at compile time;
 * {@code dev.pump.console.internal} is not API.
 */
module dev.pump.console {
  requires transitive dev.pump.jdbc;
  requires static transitive jakarta.servlet;
  requires jdk.httpserver;
  requires gg.jte.runtime;
  requires org.slf4j;
  // the templates' @Generated, kept in the source only
  requires static java.compiler;

  exports dev.pump.console;

  // the precompiled templates, which jte loads and calls by reflection
  opens dev.pump.console.internal.templates to
      gg.jte.runtime;
}
