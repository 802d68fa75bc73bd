/**
 * The system under test, run as separate JVM processes: three endpoints and the outbox dispatcher,
 * with the faults a scenario arms.
 */
package dev.pump.faults.sut;
