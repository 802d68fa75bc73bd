package dev.pump.examples.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pump's public face is small and chosen: the types a user of Pump sees are the public top-level
 * types of the packages its modules export to everyone, minus the service provider interface
 * ({@code .spi} packages, for who writes a transport, a storage or middleware). Adding one is a
 * decision, so this test lists them; read from the compiled module descriptors and classes.
 */
class PublicFaceTest {
  private static final int MOST_USER_FACING_TYPES = 66;

  private static final Map<String, Set<String>> USER_FACING =
      Map.ofEntries(
          Map.entry(
              "dev.pump.core",
              Set.of(
                  "Attributes",
                  "Cancellation",
                  "Context",
                  "Endpoint",
                  "EndpointBuilder",
                  "EndpointHealth",
                  "Handler",
                  "Headers",
                  "Lifecycle",
                  "LogContext",
                  "MessageName",
                  "MessageSender",
                  "PumpConfigurationException",
                  "PumpException",
                  "SendOptions",
                  "Service",
                  "UnrecoverableMessageException")),
          Map.entry(
              "dev.pump.core.recoverability",
              Set.of(
                  "Attempts",
                  "FailedMessages",
                  "Failure",
                  "Recoverability",
                  "RecoverabilityPolicy",
                  "RecoveryDecision")),
          Map.entry("dev.pump.core.serialization", Set.of("JsonSerializer")),
          Map.entry("dev.pump.core.memory", Set.of("InMemoryTransport")),
          Map.entry("dev.pump.migrations", Set.of("PumpMigrations", "SchemaName")),
          Map.entry(
              "dev.pump.jdbc",
              Set.of(
                  "DispatcherCounters",
                  "DispatcherHealth",
                  "ErrorQueue",
                  "JdbcContext",
                  "JdbcStorage",
                  "MessageTrace",
                  "OutboxDispatcher",
                  "OutboxSession",
                  "PostgresTransport",
                  "PumpDataSources",
                  "PumpOperations",
                  "RetentionCleaner",
                  "Throughput")),
          Map.entry("dev.pump.rabbitmq", Set.of("QueueType", "RabbitMqTransport")),
          Map.entry("dev.pump.kafka", Set.of("KafkaTransport")),
          Map.entry("dev.pump.micrometer", Set.of("PumpMetrics")),
          Map.entry("dev.pump.opentelemetry", Set.of("PumpTracing")),
          Map.entry("dev.pump.jackson2", Set.of("Jackson2Serializer")),
          Map.entry(
              "dev.pump.spring",
              Set.of(
                  "PumpEndpoint",
                  "PumpEndpointCustomizer",
                  "PumpEndpoints",
                  "PumpSender",
                  "SpringTransactionHost")),
          Map.entry(
              "dev.pump.spring.autoconfigure",
              Set.of(
                  "PumpActuatorAutoConfiguration",
                  "PumpAutoConfiguration",
                  "PumpConsoleAutoConfiguration",
                  "PumpObservabilityAutoConfiguration",
                  "PumpProperties")),
          Map.entry("dev.pump.spring.actuate", Set.of("PumpOperationsEndpoint")),
          Map.entry(
              "dev.pump.console", Set.of("PumpConsole", "PumpConsoleServer", "PumpConsoleServlet")),
          Map.entry(
              "dev.pump.test",
              Set.of("PumpTest", "PumpTestExtension", "TestClock", "TestContext", "TestPump")),
          Map.entry("dev.pump.test.spring", Set.of("AutoConfigurePumpTest")));

  /**
   * Pump's automatic modules whose packages, but for {@code internal} ones, are a public face: they
   * have no descriptor to export from (their dependencies name no modules), so every package is
   * visible, and {@code internal} is marked by name and by its package Javadoc.
   */
  private static final Map<String, Class<?>> AUTOMATIC_WITH_A_FACE =
      Map.of(
          "dev.pump.test",
          dev.pump.test.TestPump.class,
          "dev.pump.kafka",
          dev.pump.kafka.KafkaTransport.class);

  @Test
  void theUserFacingTypesAreTheChosenFewAndTheSpiIsMarkedAsSuch() throws Exception {
    Map<String, Set<String>> exported = publicTypesOfExportedPackages();
    exported.putAll(publicTypesOfAutomaticModules());

    Map<String, Set<String>> userFacing = new TreeMap<>(exported);
    userFacing.keySet().removeIf(PublicFaceTest::isSpi);
    assertThat(userFacing).isEqualTo(new TreeMap<>(USER_FACING));
    assertThat(userFacing.values().stream().mapToInt(Set::size).sum())
        .isLessThanOrEqualTo(MOST_USER_FACING_TYPES);
    assertThat(exported.keySet())
        .filteredOn(PublicFaceTest::isSpi)
        .containsExactlyInAnyOrder(
            "dev.pump.core.spi",
            "dev.pump.core.spi.pipeline",
            "dev.pump.core.spi.telemetry",
            "dev.pump.jdbc.spi");
  }

  @Test
  void whatOnlyPumpsOwnModulesNeedIsExportedToThemAlone() throws Exception {
    ModuleDescriptor core = pumpModules().get("dev.pump.core");

    assertThat(core.exports())
        .filteredOn(ModuleDescriptor.Exports::isQualified)
        .allSatisfy(export -> assertThat(export.targets()).allMatch(t -> t.startsWith("dev.pump.")))
        .extracting(ModuleDescriptor.Exports::source)
        .containsExactly("dev.pump.core.internal.shared");
    assertThat(pumpModules().values())
        .flatExtracting(ModuleDescriptor::exports)
        .filteredOn(export -> !export.isQualified())
        .extracting(ModuleDescriptor.Exports::source)
        .noneMatch(pkg -> pkg.contains(".internal"));
  }

  private static boolean isSpi(String pkg) {
    return pkg.contains(".spi");
  }

  /** Public top-level types of every package a Pump module exports to everyone, by package. */
  private static Map<String, Set<String>> publicTypesOfExportedPackages() throws Exception {
    Map<String, Set<String>> types = new TreeMap<>();
    for (ModuleReference module : pumpModuleReferences()) {
      Set<String> exported = new TreeSet<>();
      module.descriptor().exports().stream()
          .filter(export -> !export.isQualified())
          .forEach(export -> exported.add(export.source()));
      try (ModuleReader reader = module.open();
          Stream<String> resources = reader.list()) {
        for (String resource : resources.toList()) {
          if (!resource.endsWith(".class") || resource.contains("$") || resource.contains("-")) {
            continue;
          }
          String name = resource.substring(0, resource.length() - ".class".length());
          String pkg = name.substring(0, name.lastIndexOf('/')).replace('/', '.');
          if (!exported.contains(pkg)) {
            continue;
          }
          Class<?> type =
              Class.forName(name.replace('/', '.'), false, PublicFaceTest.class.getClassLoader());
          if (Modifier.isPublic(type.getModifiers())) {
            types.computeIfAbsent(pkg, p -> new TreeSet<>()).add(type.getSimpleName());
          }
        }
      }
    }
    return types;
  }

  /** Public top-level types of the non-internal packages of {@link #AUTOMATIC_WITH_A_FACE}. */
  private static Map<String, Set<String>> publicTypesOfAutomaticModules() throws Exception {
    Map<String, Set<String>> types = new TreeMap<>();
    for (Class<?> member : AUTOMATIC_WITH_A_FACE.values()) {
      Path location = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
      List<String> classes;
      if (Files.isDirectory(location)) {
        try (Stream<Path> files = Files.walk(location)) {
          classes =
              files
                  .map(f ->
                      location.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
                  .toList();
        }
      } else {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(location.toFile())) {
          classes = jar.stream().map(java.util.jar.JarEntry::getName).toList();
        }
      }
      for (String resource : classes) {
        if (!resource.endsWith(".class") || resource.contains("$") || resource.contains("-")) {
          continue;
        }
        String name = resource.substring(0, resource.length() - ".class".length());
        String pkg = name.substring(0, name.lastIndexOf('/')).replace('/', '.');
        if (pkg.contains(".internal")) {
          continue;
        }
        Class<?> type =
            Class.forName(name.replace('/', '.'), false, PublicFaceTest.class.getClassLoader());
        if (Modifier.isPublic(type.getModifiers())) {
          types.computeIfAbsent(pkg, p -> new TreeSet<>()).add(type.getSimpleName());
        }
      }
    }
    return types;
  }

  private static Map<String, ModuleDescriptor> pumpModules() throws IOException {
    Map<String, ModuleDescriptor> modules = new TreeMap<>();
    for (ModuleReference module : pumpModuleReferences()) {
      modules.put(module.descriptor().name(), module.descriptor());
    }
    return modules;
  }

  /** Pump's modules on this class path: jars or class directories with a module descriptor. */
  private static List<ModuleReference> pumpModuleReferences() {
    return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .map(Path::of)
        .filter(
            path -> Files.isRegularFile(path) || Files.exists(path.resolve("module-info.class")))
        .flatMap(path -> {
          try {
            return ModuleFinder.of(path).findAll().stream();
          } catch (FindException e) {
            return Stream.empty();
          }
        })
        .filter(module -> !module.descriptor().isAutomatic())
        .filter(module -> module.descriptor().name().startsWith("dev.pump."))
        .toList();
  }
}
