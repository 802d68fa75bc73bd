/**
 * What Pump reports while it works, for metrics, traces and logs: implemented by Pump's Micrometer
 * and OpenTelemetry modules, or by anyone who wants the same events elsewhere. Core calls it on its
 * own threads and never depends on an observability library.
 */
package dev.pump.core.spi.telemetry;
