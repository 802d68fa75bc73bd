/**
 * Internal: the PostgreSQL queue table: send, publish, claim, wake-ups. Not supported API: it may
 * change in any release without notice.
 */
package dev.pump.jdbc.internal.queue;
