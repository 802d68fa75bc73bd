/**
 * What Pump's own modules share and users do not see: name validation, the message size check and
 * the buffered sender of the transactional session. Exported only to Pump's modules.
 */
package dev.pump.core.internal.shared;
