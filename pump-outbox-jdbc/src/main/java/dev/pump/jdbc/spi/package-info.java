/**
 * The seam for frameworks that own transactions, such as Spring's transaction managers: a {@link
 * dev.pump.jdbc.spi.TransactionHost} begins, commits and rolls back the storage's message
 * transactions, so that an application's own data access (JPA, a JDBC template) shares them. Users
 * of Pump alone never need it.
 */
package dev.pump.jdbc.spi;
