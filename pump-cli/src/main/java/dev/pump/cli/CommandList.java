package dev.pump.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;

/**
 * The "Commands" section of {@code pump --help}: every command with its subcommands, so that one
 * help lists everything ({@code failed list}, {@code failed retry}, ...), each with the first line
 * of its description.
 */
final class CommandList implements IHelpSectionRenderer {
  @Override
  public String render(Help help) {
    List<String[]> rows = new ArrayList<>();
    collect(help.commandSpec().commandLine(), "", rows);
    if (rows.isEmpty()) {
      return "";
    }
    int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    StringBuilder text = new StringBuilder(); // after picocli's "Commands:" heading
    for (String[] row : rows) {
      text.append("  ").append(row[0]).append(" ".repeat(width - row[0].length() + 2));
      text.append(row[1]).append('\n');
    }
    return text.toString();
  }

  private static void collect(CommandLine command, String prefix, List<String[]> rows) {
    for (CommandLine sub : command.getSubcommands().values()) {
      if (!sub.getCommandName().equals(sub.getCommandSpec().name())) {
        continue; // an alias
      }
      String name = prefix + sub.getCommandName();
      String[] description = sub.getCommandSpec().usageMessage().description();
      if (sub.getSubcommands().isEmpty()) {
        rows.add(new String[] {name, description.length == 0 ? "" : description[0]});
      } else {
        collect(sub, name + " ", rows);
      }
    }
  }
}
