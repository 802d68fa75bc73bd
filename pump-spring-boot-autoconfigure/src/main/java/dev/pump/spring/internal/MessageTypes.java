package dev.pump.spring.internal;

import dev.pump.core.MessageName;
import dev.pump.core.PumpConfigurationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Finds a message type named in a property: by its class name, or by the wire name of a type
 * annotated with {@link MessageName} in the application's packages (those Spring Boot scans).
 */
public final class MessageTypes {
  private final ClassLoader classLoader;
  private final List<String> packages;
  private Map<String, Class<?>> named;

  /** Looks in {@code packages} with {@code classLoader}. */
  public MessageTypes(ClassLoader classLoader, List<String> packages) {
    this.classLoader = classLoader;
    this.packages = List.copyOf(packages);
  }

  /**
   * The type {@code name} names.
   *
   * @param property the property it was given in, for the error
   * @throws PumpConfigurationException if no such type is found
   */
  public Class<?> resolve(String property, String name) {
    if (ClassUtils.isPresent(name, classLoader)) {
      return ClassUtils.resolveClassName(name, classLoader);
    }
    Class<?> type = named().get(name);
    if (type == null) {
      throw new PumpConfigurationException(
          property
              + "["
              + name
              + "] names no message type: give a class name, or the wire name of a type"
              + " annotated with @MessageName in "
              + (packages.isEmpty() ? "the application's packages" : packages));
    }
    return type;
  }

  private synchronized Map<String, Class<?>> named() {
    if (named == null) {
      named = new HashMap<>();
      ClassPathScanningCandidateComponentProvider scanner =
          new ClassPathScanningCandidateComponentProvider(false) {
            @Override
            protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
              return definition.getMetadata().isIndependent();
            }
          };
      scanner.addIncludeFilter(new AnnotationTypeFilter(MessageName.class));
      for (String pkg : packages) {
        for (BeanDefinition candidate : scanner.findCandidateComponents(pkg)) {
          Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), classLoader);
          MessageName name = type.getAnnotation(MessageName.class);
          named.putIfAbsent(name.value(), type);
          for (String alias : name.aliases()) {
            named.putIfAbsent(alias, type);
          }
        }
      }
    }
    return named;
  }
}
