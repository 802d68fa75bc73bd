/** The books: the checks of the system under test's tables, and the outcome a scenario reports. */
package dev.pump.faults.report;
