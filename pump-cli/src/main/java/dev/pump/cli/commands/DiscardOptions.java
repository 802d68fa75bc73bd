package dev.pump.cli.commands;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options every discard shares: a selection of all, its confirmation, and who discards. */
final class DiscardOptions {
  @Option(names = "--all", description = "discard everything the list command shows; needs --yes")
  boolean all;

  @Option(names = "--yes", description = "confirm --all")
  boolean yes;

  @Option(
      names = "--by",
      paramLabel = "WHO",
      description = "who discards, for the audit (default: the operating-system user)")
  String by;

  /** Who the audit records: {@code --by}, else the operating-system user; checked. */
  String who(CommandSpec spec) {
    return Inputs.operator(spec, by == null ? Inputs.processUser() : by);
  }
}
