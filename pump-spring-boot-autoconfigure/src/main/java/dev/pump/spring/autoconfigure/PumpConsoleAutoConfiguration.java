package dev.pump.spring.autoconfigure;

import dev.pump.console.PumpConsole;
import dev.pump.console.PumpConsoleServlet;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PostgresTransport;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Pump's web console in a servlet web application, at {@code pump.console.path} ({@code /pump} by
 * default), when {@code pump.console.enabled=true} and {@code pump-console} is on the class path.
 * It shows the error queues of the application's endpoints and the parked outbox rows; read-only
 * unless {@code pump.console.token} is set; requests from other machines get 403 unless {@code
 * pump.console.allow-remote=true}. A discard is recorded with the signed-in user's name when the
 * application authenticates its users (Spring Security), else as {@code console}.
 */
@AutoConfiguration(after = PumpAutoConfiguration.class)
@ConditionalOnClass(
    name = {"dev.pump.console.PumpConsoleServlet", "jakarta.servlet.http.HttpServlet"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "pump.console", name = "enabled", havingValue = "true")
@ConditionalOnBean(JdbcStorage.class)
@EnableConfigurationProperties(PumpConsoleAutoConfiguration.ConsoleProperties.class)
public class PumpConsoleAutoConfiguration {
  /** Creates the configuration; Spring calls it. */
  public PumpConsoleAutoConfiguration() {}

  /** The console over the application's storage and transport. */
  @Bean
  @ConditionalOnMissingBean
  public PumpConsole pumpConsole(
      JdbcStorage storage,
      Transport transport,
      PumpProperties properties,
      ConsoleProperties console) {
    Set<String> errorQueues = new LinkedHashSet<>();
    errorQueues.add(Recoverability.DEFAULT_ERROR_QUEUE);
    properties.getEndpoints().values().stream()
        .map(PumpProperties.EndpointProperties::getErrorQueue)
        .filter(queue -> queue != null)
        .forEach(errorQueues::add);
    PumpConsole.Builder builder =
        PumpConsole.builder()
            .operations(storage.operations())
            .actionToken(console.getToken())
            .allowRemote(console.isAllowRemote());
    for (String queue : errorQueues) {
      if (transport instanceof PostgresTransport) {
        builder.errorQueues(queue);
      } else {
        builder.errorQueue(transport, queue);
      }
    }
    return builder.build();
  }

  /** The console's servlet at {@code pump.console.path}. */
  @Bean
  @ConditionalOnMissingBean(name = "pumpConsoleServlet")
  public ServletRegistrationBean<PumpConsoleServlet> pumpConsoleServlet(
      PumpConsole pumpConsole, ConsoleProperties console) {
    String path = console.getPath();
    if (path == null || !path.matches("(/[A-Za-z0-9._~-]+)+/?")) {
      throw new IllegalArgumentException(
          "pump.console.path must be like /pump (letters, digits, . _ ~ -), was " + path);
    }
    path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    ServletRegistrationBean<PumpConsoleServlet> registration =
        new ServletRegistrationBean<>(new PumpConsoleServlet(pumpConsole), path + "/*");
    registration.setName("pumpConsole");
    return registration;
  }

  /** The {@code pump.console.*} properties. */
  @ConfigurationProperties(prefix = "pump.console")
  public static class ConsoleProperties {
    /** Whether to serve the web console. Default false. */
    private boolean enabled;

    /** Where the console is served, below the application's context path. Default /pump. */
    private String path = "/pump";

    /**
     * The action token (16 characters or more) an operator signs in with to retry and discard
     * messages. Default none: the console is read-only.
     */
    private String token;

    /**
     * Whether requests from addresses other than loopback are answered. Default false: they get
     * 403. Behind a reverse proxy every request comes from the proxy's address.
     */
    private boolean allowRemote;

    /** Creates the defaults; Spring binds the rest. */
    public ConsoleProperties() {}

    /** Whether to serve the web console. */
    public boolean isEnabled() {
      return enabled;
    }

    /** Sets whether to serve the web console. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** Where the console is served. */
    public String getPath() {
      return path;
    }

    /** Sets where the console is served. */
    public void setPath(String path) {
      this.path = path;
    }

    /** The action token, or null. */
    public String getToken() {
      return token;
    }

    /** Sets the action token. */
    public void setToken(String token) {
      this.token = token;
    }

    /** Whether requests from other machines are answered. */
    public boolean isAllowRemote() {
      return allowRemote;
    }

    /** Sets whether requests from other machines are answered. */
    public void setAllowRemote(boolean allowRemote) {
      this.allowRemote = allowRemote;
    }
  }
}
