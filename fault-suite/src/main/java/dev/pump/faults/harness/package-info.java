/**
 * What the scenarios run on: the database server, the fleet of system-under-test processes, the
 * load generator and the waits.
 */
package dev.pump.faults.harness;
