/**
 * Internal implementation of Pump; not supported API. Anything here may change without notice, and
 * the module does not export it.
 */
package dev.pump.core.internal.endpoint;
