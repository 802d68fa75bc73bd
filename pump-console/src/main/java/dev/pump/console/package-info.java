/**
 * Pump's web console: {@link dev.pump.console.PumpConsole} answers requests independent of a web
 * server; {@link dev.pump.console.PumpConsoleServer} serves it on the JDK's HTTP server (what
 * {@code pump console} runs) and {@link dev.pump.console.PumpConsoleServlet} mounts it in a servlet
 * container.
 */
package dev.pump.console;
