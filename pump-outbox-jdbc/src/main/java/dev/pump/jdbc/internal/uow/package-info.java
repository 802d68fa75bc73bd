/**
 * Internal: the unit of work (the one owner of a message's transaction) and the storage links of
 * the pipeline. Not supported API: it may change in any release without notice.
 */
package dev.pump.jdbc.internal.uow;
