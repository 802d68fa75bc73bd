/**
 * Internal: the test kit's wiring, its clock, its idle check and its readers of the outbox and the
 * error queue. Not supported API: it may change in any release without notice.
 */
package dev.pump.test.internal;
