package dev.pump.cli.database;

import java.util.regex.Pattern;

/**
 * Where {@code pump} connects: a PostgreSQL JDBC URL, a user and a password (either may be null:
 * the URL or the driver's defaults decide), and the schema of Pump's tables.
 *
 * @param jdbcUrl the JDBC URL, as given
 * @param user the user, or null
 * @param password the password, or null; never shown
 * @param schema the schema, not yet validated
 */
public record ConnectionSettings(String jdbcUrl, String user, String password, String schema) {
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;]password=)[^&;]*");
  private static final Pattern USER_INFO = Pattern.compile("(//)[^/@?]*@");

  /** The URL as messages show it: any password in it masked. */
  public String shownUrl() {
    String shown = PASSWORD_PARAMETER.matcher(jdbcUrl).replaceAll("$1***");
    return USER_INFO.matcher(shown).replaceFirst("$1***@");
  }

  /** "URL as user", for messages. */
  public String shown() {
    return shownUrl() + (user == null ? "" : " as " + user);
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "ConnectionSettings[" + shown() + ", schema " + schema + "]";
  }
}
