/**
 * Internal: the kit's Spring wiring (its auto-configuration, the database per test class, the JUnit
 * extension). Not supported API: it may change in any release without notice.
 */
package dev.pump.test.internal.spring;
