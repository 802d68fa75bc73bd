package dev.pump.examples.shop;

import java.util.Map;

/**
 * Where the shop runs: with no settings, on embedded PostgreSQL with the PostgreSQL queue
 * transport; a JDBC URL points it at a real server; a RabbitMQ URI or Kafka's bootstrap servers
 * switch the transport.
 *
 * @param jdbcUrl a PostgreSQL JDBC URL, or null for embedded PostgreSQL
 * @param user the database user (with {@code jdbcUrl})
 * @param password the database password (with {@code jdbcUrl})
 * @param rabbitMqUri an AMQP URI, or null
 * @param kafkaBootstrap Kafka's bootstrap servers, or null; with neither broker, the PostgreSQL
 *     queue transport
 */
public record ShopSettings(
    String jdbcUrl, String user, String password, String rabbitMqUri, String kafkaBootstrap) {
  /** The broker {@code --rabbitmq} without a value connects to. */
  public static final String DEFAULT_RABBITMQ_URI = "amqp://guest:guest@localhost:5672";

  /** The broker {@code --kafka} without a value connects to. */
  public static final String DEFAULT_KAFKA_BOOTSTRAP = "localhost:9092";

  /** Settings without Kafka. */
  public ShopSettings(String jdbcUrl, String user, String password, String rabbitMqUri) {
    this(jdbcUrl, user, password, rabbitMqUri, null);
  }

  /** What {@code --help} prints. */
  public static final String USAGE =
      """
      Usage: ShopExample [--jdbc-url=URL [--jdbc-user=USER] [--jdbc-password=PASSWORD]]
                         [--rabbitmq[=amqp://user:pass@host:5672/vhost] | --kafka[=host:port]]

        (no options)     embedded PostgreSQL and the PostgreSQL queue transport
        --jdbc-url       a PostgreSQL server instead (env PUMP_JDBC_URL, PUMP_JDBC_USER,
                         PUMP_JDBC_PASSWORD); the example drops and re-creates its own schemas
                         "shop" and "shop_pump" there, and touches nothing else
        --rabbitmq       RabbitMQ as the transport (default %s); the database
                         still holds the business tables, the inbox and the outbox. Uses the
                         queues orders, billing, shipping and error: give it a broker of its own
        --kafka          Kafka as the transport (default %s): topics orders, billing,
                         shipping, error and one per event type; a broker of its own, too
      Through Maven: ./mvnw -q -pl examples -am verify -DskipTests -Pexample -Dexec.args="..."
      """
          .formatted(DEFAULT_RABBITMQ_URI, DEFAULT_KAFKA_BOOTSTRAP);

  /** Embedded PostgreSQL and the PostgreSQL queue transport. */
  public static ShopSettings embedded() {
    return new ShopSettings(null, null, null, null);
  }

  /** Whether the example starts its own PostgreSQL. */
  public boolean embeddedDatabase() {
    return jdbcUrl == null;
  }

  /** Whether RabbitMQ carries the messages. */
  public boolean rabbitMq() {
    return rabbitMqUri != null;
  }

  /** Whether Kafka carries the messages. */
  public boolean kafka() {
    return kafkaBootstrap != null;
  }

  /** Whether a broker carries the messages (and holds the queues), not PostgreSQL. */
  public boolean broker() {
    return rabbitMq() || kafka();
  }

  /** The transport's name, for people. */
  public String transportName() {
    return rabbitMq() ? "RabbitMQ" : kafka() ? "Kafka" : "PostgreSQL";
  }

  /** The same settings with RabbitMQ at {@code uri}. */
  public ShopSettings withRabbitMq(String uri) {
    return new ShopSettings(jdbcUrl, user, password, uri, null);
  }

  /** The same settings with Kafka at {@code bootstrapServers}. */
  public ShopSettings withKafka(String bootstrapServers) {
    return new ShopSettings(jdbcUrl, user, password, null, bootstrapServers);
  }

  /**
   * Reads the command line, then the environment for what it does not say.
   *
   * @throws IllegalArgumentException naming an unknown option
   */
  public static ShopSettings parse(String[] args, Map<String, String> env) {
    String url = env.get("PUMP_JDBC_URL");
    String user = env.get("PUMP_JDBC_USER");
    String password = env.get("PUMP_JDBC_PASSWORD");
    String rabbit = null;
    String kafka = null;
    for (String arg : args) {
      if (arg.isBlank()) {
        continue;
      } else if (arg.startsWith("--jdbc-url=")) {
        url = value(arg);
      } else if (arg.startsWith("--jdbc-user=")) {
        user = value(arg);
      } else if (arg.startsWith("--jdbc-password=")) {
        password = value(arg);
      } else if (arg.equals("--rabbitmq")) {
        rabbit = DEFAULT_RABBITMQ_URI;
      } else if (arg.startsWith("--rabbitmq=")) {
        rabbit = value(arg);
      } else if (arg.equals("--kafka")) {
        kafka = DEFAULT_KAFKA_BOOTSTRAP;
      } else if (arg.startsWith("--kafka=")) {
        kafka = value(arg);
      } else {
        throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    if (url != null && url.isBlank()) {
      url = null;
    }
    if (url != null && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "--jdbc-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), was "
              + url);
    }
    if (rabbit != null && kafka != null) {
      throw new IllegalArgumentException("choose one broker: --rabbitmq or --kafka, not both");
    }
    return new ShopSettings(
        url, url == null ? null : user, url == null ? null : password, rabbit, kafka);
  }

  private static String value(String arg) {
    return arg.substring(arg.indexOf('=') + 1);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "ShopSettings[database "
        + (embeddedDatabase() ? "embedded" : jdbcUrl)
        + ", transport "
        + transportName()
        + "]";
  }
}
