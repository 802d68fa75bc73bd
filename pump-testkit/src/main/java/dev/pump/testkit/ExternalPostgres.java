package dev.pump.testkit;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server the user runs, named by the environment: {@value #URL_VARIABLE}, with {@value
 * #USER_VARIABLE} (default {@code postgres}) and {@value #PASSWORD_VARIABLE} (default empty). The
 * tests, the benchmarks and the fault suite use it instead of embedded PostgreSQL when the URL is
 * set.
 *
 * @param jdbcUrl the URL as given, {@code jdbc:postgresql://host:port/database[?parameters]}
 * @param user the user to connect as
 * @param password the password to connect with, may be empty
 */
public record ExternalPostgres(String jdbcUrl, String user, String password) {
  /** Environment variable with the JDBC URL of an external server. */
  public static final String URL_VARIABLE = "PUMP_TEST_JDBC_URL";

  /** Environment variable with the user; {@code postgres} when unset. */
  public static final String USER_VARIABLE = "PUMP_TEST_JDBC_USER";

  /** Environment variable with the password; empty when unset. */
  public static final String PASSWORD_VARIABLE = "PUMP_TEST_JDBC_PASSWORD";

  private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?");

  /**
   * Checks the URL's form.
   *
   * @throws IllegalStateException naming {@value #URL_VARIABLE} if the URL is not a PostgreSQL one
   */
  public ExternalPostgres {
    url(jdbcUrl);
  }

  /** The server this process's environment names, or empty when {@value #URL_VARIABLE} is unset. */
  public static Optional<ExternalPostgres> fromEnvironment() {
    return from(System.getenv());
  }

  /** The server {@code env} names, or empty when {@value #URL_VARIABLE} is unset or blank. */
  public static Optional<ExternalPostgres> from(Map<String, String> env) {
    String url = env.get(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(
        new ExternalPostgres(
            url.trim(),
            env.getOrDefault(USER_VARIABLE, "postgres"),
            env.getOrDefault(PASSWORD_VARIABLE, "")));
  }

  /** The URL of {@code database} on this server, with the same parameters. */
  public String urlFor(String database) {
    Matcher url = url(jdbcUrl);
    String parameters = url.group(3) == null ? "" : url.group(3);
    return url.group(1) + database + parameters;
  }

  private static Matcher url(String jdbcUrl) {
    Matcher url = URL.matcher(jdbcUrl);
    if (!url.matches()) {
      throw new IllegalStateException(
          URL_VARIABLE
              + " must look like jdbc:postgresql://host:port/database[?parameters], was "
              + jdbcUrl);
    }
    return url;
  }
}
