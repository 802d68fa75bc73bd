/**
 * Internal: the outbox dispatcher's cycle (claim, group by destination, batch, send, mark) and its
 * per-destination back-off. Not supported API: it may change in any release without notice.
 */
package dev.pump.jdbc.internal.dispatcher;
