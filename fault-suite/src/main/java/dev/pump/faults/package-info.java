/** The fault suite: processes under test, fault injection, and the books checker. */
package dev.pump.faults;
