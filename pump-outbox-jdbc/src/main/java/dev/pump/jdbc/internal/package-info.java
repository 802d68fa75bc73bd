/**
 * Internal: the storage's runtime, shared by the PostgreSQL transport, the dispatcher and the
 * retention cleaner. Not supported API: it may change in any release without notice.
 */
package dev.pump.jdbc.internal;
