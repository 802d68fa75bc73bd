package dev.pump.spring.autoconfigure;

// This file is long because it holds one documented field per pump.* property: the Javadoc of
// each becomes its description in the configuration metadata IDEs complete from.

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Pump's {@code pump.*} properties. Unset values keep Pump's own defaults (the {@code DEFAULT_*}
 * constants of its builders); the builders check every value when the context starts, and an
 * invalid one fails start-up naming the property.
 */
@ConfigurationProperties(prefix = "pump")
public class PumpProperties {
  /**
   * The default shutdown grace, 20 seconds: with the 5 s cancellation grace after it, it fits in
   * Spring's default 30 s per shutdown phase.
   */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);

  /** Whether Pump's auto-configuration is on. */
  private boolean enabled = true;

  /**
   * The grace endpoints get at shutdown to finish their messages in flight; the dispatcher then
   * relays what they sent within what is left (at least 1 s). Keep
   * spring.lifecycle.timeout-per-shutdown-phase (30 s by default) above it plus 5 s, the
   * cancellation grace.
   */
  private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;

  private final Storage storage = new Storage();
  private final Map<String, EndpointProperties> endpoints = new LinkedHashMap<>();
  private final Dispatcher dispatcher = new Dispatcher();
  private final Retention retention = new Retention();
  private final Sender sender = new Sender();
  private final Toggle metrics = new Toggle();
  private final Toggle tracing = new Toggle();

  /** Creates the properties at their defaults; Spring Boot binds them. */
  public PumpProperties() {}

  /** Whether Pump's auto-configuration is on. */
  public boolean isEnabled() {
    return enabled;
  }

  /** Turns Pump's auto-configuration on or off. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** The shutdown grace. */
  public Duration getShutdownGrace() {
    return shutdownGrace;
  }

  /** Sets the shutdown grace. */
  public void setShutdownGrace(Duration shutdownGrace) {
    this.shutdownGrace = shutdownGrace;
  }

  /** The storage's settings. */
  public Storage getStorage() {
    return storage;
  }

  /** The endpoints' settings, by endpoint name. */
  public Map<String, EndpointProperties> getEndpoints() {
    return endpoints;
  }

  /** The dispatcher's settings. */
  public Dispatcher getDispatcher() {
    return dispatcher;
  }

  /** The retention cleaner's settings. */
  public Retention getRetention() {
    return retention;
  }

  /** The settings of the {@code PumpSender} bean. */
  public Sender getSender() {
    return sender;
  }

  /** Whether Pump's Micrometer metrics are wired to the application's MeterRegistry. */
  public Toggle getMetrics() {
    return metrics;
  }

  /** Whether Pump's OpenTelemetry traces are wired to the application's OpenTelemetry. */
  public Toggle getTracing() {
    return tracing;
  }

  /** {@code pump.storage.*}: Pump's tables and its message transactions. */
  public static class Storage {
    /** Creates the settings at their defaults. */
    public Storage() {}

    /** The schema of Pump's tables: a plain lower-case identifier. */
    private String schema = "pump";

    /** Whether Pump's migrations are applied at start-up (idempotent, safe from many instances). */
    private boolean migrate = true;

    /** The isolation of message transactions. */
    private TransactionIsolationLevel isolation = TransactionIsolationLevel.READ_COMMITTED;

    /**
     * How long handled message ids are kept to recognise duplicates; it must outlast every retry
     * horizon. At least 1 minute.
     */
    private Duration inboxRetention = Duration.ofDays(7);

    /** How long dispatched outbox rows are kept for the audit trail. */
    private Duration outboxRetention = Duration.ofDays(7);

    /**
     * Whether message transactions run in the application's Spring transaction manager, so that
     * handlers' JPA and JdbcTemplate writes share them. Off, or without a transaction manager, the
     * storage runs its own transactions on the DataSource.
     */
    private boolean joinSpringTransactions = true;

    /** The schema of Pump's tables. */
    public String getSchema() {
      return schema;
    }

    /** Sets the schema of Pump's tables. */
    public void setSchema(String schema) {
      this.schema = schema;
    }

    /** Whether migrations are applied at start-up. */
    public boolean isMigrate() {
      return migrate;
    }

    /** Sets whether migrations are applied at start-up. */
    public void setMigrate(boolean migrate) {
      this.migrate = migrate;
    }

    /** The isolation of message transactions. */
    public TransactionIsolationLevel getIsolation() {
      return isolation;
    }

    /** Sets the isolation of message transactions. */
    public void setIsolation(TransactionIsolationLevel isolation) {
      this.isolation = isolation;
    }

    /** How long handled message ids are kept. */
    public Duration getInboxRetention() {
      return inboxRetention;
    }

    /** Sets how long handled message ids are kept. */
    public void setInboxRetention(Duration inboxRetention) {
      this.inboxRetention = inboxRetention;
    }

    /** How long dispatched outbox rows are kept. */
    public Duration getOutboxRetention() {
      return outboxRetention;
    }

    /** Sets how long dispatched outbox rows are kept. */
    public void setOutboxRetention(Duration outboxRetention) {
      this.outboxRetention = outboxRetention;
    }

    /** Whether message transactions run in Spring's transaction manager. */
    public boolean isJoinSpringTransactions() {
      return joinSpringTransactions;
    }

    /** Sets whether message transactions run in Spring's transaction manager. */
    public void setJoinSpringTransactions(boolean joinSpringTransactions) {
      this.joinSpringTransactions = joinSpringTransactions;
    }
  }

  /** {@code pump.endpoints.<name>.*}: one endpoint; unset values keep Pump's defaults. */
  public static class EndpointProperties {
    /** Creates the settings at their defaults. */
    public EndpointProperties() {}

    /** The queue the endpoint receives from. Default: the endpoint's name. */
    private String inputQueue;

    /**
     * Messages in flight at once, 1 to 10000. Default: max(2, available processors), lowered to fit
     * the connection pool with a fifth of it to spare.
     */
    private Integer concurrency;

    /** The most messages handled in one database transaction, 1 to 60. Default 32. */
    private Integer messagesPerTransaction;

    /** The grace the endpoint's messages in flight get when it stops. Default 30 s. */
    private Duration stopGrace;

    /** Retries in place after a failure. Default 5. */
    private Integer immediateRetries;

    /** Rounds of retries after a delay, each repeating the immediate ones. Default 3. */
    private Integer delayedRetries;

    /** Round n of delayed retries waits n times this. Default 10 s. */
    private Duration delayedRetryIncrement;

    /** Where messages that failed every retry are parked. Default "error". */
    private String errorQueue;

    /** Deliveries of one message after which it is parked without running. Default 50. */
    private Integer maxDeliveries;

    /**
     * Routes for sends by type: a message class name (or a wire name of a type annotated with
     * MessageName in the application's packages) to its destination queue, e.g.
     * routes[com.example.ChargeCard]=billing.
     */
    private Map<String, String> routes = new LinkedHashMap<>();

    /**
     * Whether the input queue is subscribed to the handled types' topics at start. Default true.
     */
    private Boolean autoSubscribe;

    /** The input queue. */
    public String getInputQueue() {
      return inputQueue;
    }

    /** Sets the input queue. */
    public void setInputQueue(String inputQueue) {
      this.inputQueue = inputQueue;
    }

    /** Messages in flight at once. */
    public Integer getConcurrency() {
      return concurrency;
    }

    /** Sets the messages in flight at once. */
    public void setConcurrency(Integer concurrency) {
      this.concurrency = concurrency;
    }

    /** The most messages in one transaction. */
    public Integer getMessagesPerTransaction() {
      return messagesPerTransaction;
    }

    /** Sets the most messages in one transaction. */
    public void setMessagesPerTransaction(Integer messagesPerTransaction) {
      this.messagesPerTransaction = messagesPerTransaction;
    }

    /** The stop grace. */
    public Duration getStopGrace() {
      return stopGrace;
    }

    /** Sets the stop grace. */
    public void setStopGrace(Duration stopGrace) {
      this.stopGrace = stopGrace;
    }

    /** Immediate retries. */
    public Integer getImmediateRetries() {
      return immediateRetries;
    }

    /** Sets the immediate retries. */
    public void setImmediateRetries(Integer immediateRetries) {
      this.immediateRetries = immediateRetries;
    }

    /** Delayed retry rounds. */
    public Integer getDelayedRetries() {
      return delayedRetries;
    }

    /** Sets the delayed retry rounds. */
    public void setDelayedRetries(Integer delayedRetries) {
      this.delayedRetries = delayedRetries;
    }

    /** The delayed retries' increment. */
    public Duration getDelayedRetryIncrement() {
      return delayedRetryIncrement;
    }

    /** Sets the delayed retries' increment. */
    public void setDelayedRetryIncrement(Duration delayedRetryIncrement) {
      this.delayedRetryIncrement = delayedRetryIncrement;
    }

    /** The error queue. */
    public String getErrorQueue() {
      return errorQueue;
    }

    /** Sets the error queue. */
    public void setErrorQueue(String errorQueue) {
      this.errorQueue = errorQueue;
    }

    /** The most deliveries of one message. */
    public Integer getMaxDeliveries() {
      return maxDeliveries;
    }

    /** Sets the most deliveries of one message. */
    public void setMaxDeliveries(Integer maxDeliveries) {
      this.maxDeliveries = maxDeliveries;
    }

    /** Routes by message type. */
    public Map<String, String> getRoutes() {
      return routes;
    }

    /** Sets the routes by message type. */
    public void setRoutes(Map<String, String> routes) {
      this.routes = routes;
    }

    /** Whether the input queue subscribes to the handled types' topics. */
    public Boolean getAutoSubscribe() {
      return autoSubscribe;
    }

    /** Sets whether the input queue subscribes to the handled types' topics. */
    public void setAutoSubscribe(Boolean autoSubscribe) {
      this.autoSubscribe = autoSubscribe;
    }
  }

  /** {@code pump.dispatcher.*}: the outbox dispatcher; unset values keep Pump's defaults. */
  public static class Dispatcher {
    /** Creates the settings at their defaults. */
    public Dispatcher() {}

    /** Whether this application runs an outbox dispatcher. */
    private boolean enabled = true;

    /** Most messages per transport batch, 1 to 10000. Default 100. */
    private Integer maxBatchMessages;

    /** Most bytes per transport batch, 1 KB to 64 MB. Default 256 KB. */
    private DataSize maxBatchBytes;

    /** Most rows claimed per cycle, 1 to 100000. Default 1000. */
    private Integer claimSize;

    /**
     * The backstop poll, 10 ms to 10 minutes; wake-ups after commits are immediate. Default 1 s.
     */
    private Duration pollInterval;

    /** Failed attempts before a row is parked, 1 to 1000. Default 10. */
    private Integer maxAttempts;

    /** Transport calls in flight at once, 1 to 256. Default 8, fitted to the pool. */
    private Integer sendParallelism;

    /** How long one transport call may take, 10 ms to 10 minutes. Default 10 s. */
    private Duration sendTimeout;

    /** How long a woken dispatcher waits for the commits right behind. Default 2 ms. */
    private Duration batchWindow;

    /** Whether this application runs an outbox dispatcher. */
    public boolean isEnabled() {
      return enabled;
    }

    /** Sets whether this application runs an outbox dispatcher. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** Most messages per batch. */
    public Integer getMaxBatchMessages() {
      return maxBatchMessages;
    }

    /** Sets the most messages per batch. */
    public void setMaxBatchMessages(Integer maxBatchMessages) {
      this.maxBatchMessages = maxBatchMessages;
    }

    /** Most bytes per batch. */
    public DataSize getMaxBatchBytes() {
      return maxBatchBytes;
    }

    /** Sets the most bytes per batch. */
    public void setMaxBatchBytes(DataSize maxBatchBytes) {
      this.maxBatchBytes = maxBatchBytes;
    }

    /** Most rows claimed per cycle. */
    public Integer getClaimSize() {
      return claimSize;
    }

    /** Sets the most rows claimed per cycle. */
    public void setClaimSize(Integer claimSize) {
      this.claimSize = claimSize;
    }

    /** The backstop poll. */
    public Duration getPollInterval() {
      return pollInterval;
    }

    /** Sets the backstop poll. */
    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    /** Failed attempts before a row is parked. */
    public Integer getMaxAttempts() {
      return maxAttempts;
    }

    /** Sets the failed attempts before a row is parked. */
    public void setMaxAttempts(Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    /** Transport calls in flight at once. */
    public Integer getSendParallelism() {
      return sendParallelism;
    }

    /** Sets the transport calls in flight at once. */
    public void setSendParallelism(Integer sendParallelism) {
      this.sendParallelism = sendParallelism;
    }

    /** How long one transport call may take. */
    public Duration getSendTimeout() {
      return sendTimeout;
    }

    /** Sets how long one transport call may take. */
    public void setSendTimeout(Duration sendTimeout) {
      this.sendTimeout = sendTimeout;
    }

    /** The batch window. */
    public Duration getBatchWindow() {
      return batchWindow;
    }

    /** Sets the batch window. */
    public void setBatchWindow(Duration batchWindow) {
      this.batchWindow = batchWindow;
    }
  }

  /** {@code pump.retention.*}: the cleaner that purges rows past their retention. */
  public static class Retention {
    /** Creates the settings at their defaults. */
    public Retention() {}

    /** Whether this application runs a retention cleaner. */
    private boolean enabled = true;

    /** How often it purges. Default 5 minutes. */
    private Duration interval;

    /** Rows purged per statement. Default 1000. */
    private Integer batchSize;

    /** Whether this application runs a retention cleaner. */
    public boolean isEnabled() {
      return enabled;
    }

    /** Sets whether this application runs a retention cleaner. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** How often it purges. */
    public Duration getInterval() {
      return interval;
    }

    /** Sets how often it purges. */
    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    /** Rows purged per statement. */
    public Integer getBatchSize() {
      return batchSize;
    }

    /** Sets the rows purged per statement. */
    public void setBatchSize(Integer batchSize) {
      this.batchSize = batchSize;
    }
  }

  /** {@code pump.sender.*}: the PumpSender bean. */
  public static class Sender {
    /** Creates the settings at their defaults. */
    public Sender() {}

    /**
     * The endpoint whose routing, serializer and headers PumpSender's messages get. Default: the
     * only endpoint.
     */
    private String endpoint;

    /** The endpoint PumpSender sends as. */
    public String getEndpoint() {
      return endpoint;
    }

    /** Sets the endpoint PumpSender sends as. */
    public void setEndpoint(String endpoint) {
      this.endpoint = endpoint;
    }
  }

  /** An integration that can be turned off. */
  public static class Toggle {
    /** Creates the settings at their defaults. */
    public Toggle() {}

    /** Whether it is wired when its library and the application's bean are present. */
    private boolean enabled = true;

    /** Whether it is wired. */
    public boolean isEnabled() {
      return enabled;
    }

    /** Sets whether it is wired. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
