/**
 * Internal: the outbox table: rows written in the handler's transaction. Not supported API: it may
 * change in any release without notice.
 */
package dev.pump.jdbc.internal.outbox;
