/**
 * Internal: the inbox table: one row per handled message id and endpoint. Not supported API: it may
 * change in any release without notice.
 */
package dev.pump.jdbc.internal.inbox;
