/**
 * Internal: SQL helpers shared by the stores. Not supported API: it may change in any release
 * without notice.
 */
package dev.pump.jdbc.internal.sql;
