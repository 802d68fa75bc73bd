/**
 * Internal: the unit of work (one transaction per message) and the storage links of the pipeline.
 * Not supported API: it may change in any release without notice.
 */
package dev.pump.jdbc.internal.uow;
