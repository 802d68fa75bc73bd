/**
 * The {@code pump} command: {@link dev.pump.cli.PumpCli} is its entry point.
 *
 * <p>An application, not a library: what it supports is its command line, its output and its exit
 * codes (docs/operations.md, "The {@code pump} command"), not these Java types, which may change in
 * any release. The jar has no module descriptor and exports nothing.
 */
package dev.pump.cli;
