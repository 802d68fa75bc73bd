/**
 * Where {@code pump} connects and what it checks before a command runs; the few queries of its own
 * that {@link dev.pump.jdbc.PumpOperations} does not offer yet (a message's trace, a purge's dry
 * run).
 */
package dev.pump.cli.database;
