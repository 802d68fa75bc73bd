/**
 * How {@code pump} prints: aligned tables with long fields cut, text with control characters
 * escaped so that message data cannot drive the terminal, and JSON for scripts.
 */
package dev.pump.cli.output;
