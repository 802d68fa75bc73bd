/**
 * Internal: what operators do to failed messages beyond retrying them: the discard, and its audit
 * table. Not supported API: it may change in any release without notice.
 */
package dev.pump.jdbc.internal.operations;
