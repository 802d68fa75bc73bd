package dev.pump.examples.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Pump's modules can be published as they are: every module a {@code dev.pump} module descriptor
 * requires is on this class path under a name its publisher chose (its own {@code
 * module-info.class}, or {@code Automatic-Module-Name} in its manifest), never a name derived from
 * a jar's file name, which changes when that library names its module. This is what Maven's
 * compiler plugin warns about with "Required filename-based automodules detected"; the warning does
 * not fail the build, so this test does.
 */
class ModuleNamesTest {

  private enum Naming {
    DESCRIPTOR,
    MANIFEST,
    FILE_NAME
  }

  @Test
  void everyModuleThatPumpsModulesRequireHasAStableName() throws IOException {
    Map<String, Naming> onClassPath = modulesOnTheClassPath();
    List<ModuleDescriptor> pump = pumpModules();
    List<String> problems = new ArrayList<>();
    for (ModuleDescriptor module : pump) {
      for (ModuleDescriptor.Requires requires : module.requires()) {
        String name = requires.name();
        if (ModuleFinder.ofSystem().find(name).isPresent()) {
          continue;
        }
        Naming naming = onClassPath.get(name);
        if (naming == null
            && !requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)) {
          problems.add(module.name() + " requires " + name + ", which is not on the class path");
        } else if (naming == Naming.FILE_NAME) {
          problems.add(
              module.name()
                  + " requires "
                  + name
                  + ", a name derived from a jar's file name (the jar has no module-info.class"
                  + " and no Automatic-Module-Name)");
        }
      }
    }

    assertThat(pump)
        .extracting(ModuleDescriptor::name)
        .contains("dev.pump.core", "dev.pump.migrations", "dev.pump.jdbc", "dev.pump.rabbitmq");
    assertThat(problems).isEmpty();
  }

  /** The descriptors of Pump's modules, from the module-info.class files on the class path. */
  private static List<ModuleDescriptor> pumpModules() throws IOException {
    List<ModuleDescriptor> modules = new ArrayList<>();
    for (URL url :
        Collections.list(
            ModuleNamesTest.class.getClassLoader().getResources("module-info.class"))) {
      try (InputStream in = url.openStream()) {
        ModuleDescriptor descriptor = ModuleDescriptor.read(in);
        if (descriptor.name().startsWith("dev.pump.")) {
          modules.add(descriptor);
        }
      }
    }
    return modules;
  }

  /** Every jar and directory on the class path as a module, and where its name comes from. */
  private static Map<String, Naming> modulesOnTheClassPath() {
    Map<String, Naming> modules = new HashMap<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry);
      if (!Files.exists(path)
          || (Files.isDirectory(path) && !Files.exists(path.resolve("module-info.class")))) {
        continue;
      }
      Iterable<ModuleReference> found;
      try {
        found = ModuleFinder.of(path).findAll();
      } catch (FindException e) {
        continue; // no valid module name at all: a module required from it shows as missing
      }
      for (ModuleReference module : found) {
        ModuleDescriptor descriptor = module.descriptor();
        Naming naming =
            !descriptor.isAutomatic()
                ? Naming.DESCRIPTOR
                : automaticModuleName(path) != null ? Naming.MANIFEST : Naming.FILE_NAME;
        modules.put(descriptor.name(), naming);
      }
    }
    return modules;
  }

  private static String automaticModuleName(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getManifest() == null
          ? null
          : file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
