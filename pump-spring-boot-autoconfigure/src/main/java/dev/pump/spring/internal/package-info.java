/**
 * How the starter works inside: endpoint assembly, handler discovery, lifecycles, health, the
 * failure analyzer. Not supported API: it may change in any release.
 */
package dev.pump.spring.internal;
