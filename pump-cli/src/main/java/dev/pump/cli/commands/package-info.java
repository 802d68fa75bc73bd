/** The commands of {@code pump}, one class per command or group of subcommands. */
package dev.pump.cli.commands;
