/**
 * The fault scenarios: each drives the system under test into one kind of trouble and returns the
 * books' verdict with what it did.
 */
package dev.pump.faults.scenario;
