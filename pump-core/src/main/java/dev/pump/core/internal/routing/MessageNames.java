package dev.pump.core.internal.routing;

import dev.pump.core.MessageName;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.shared.Names;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one place that turns a message type into its names on the wire, and a name back into a type.
 *
 * <p>A type's name is, in this order: the name registered on the endpoint builder, its {@link
 * MessageName} annotation, or its Java binary class name. Its aliases are the registered or
 * annotated ones, the annotation's name and aliases when a registration overrides it, and always
 * its class name, so a message queued under the class name before the type was named still arrives.
 * A name's topic is the name with {@code $} (nested classes) as {@code .}; names are compared in
 * that form, so {@code a.B$C} and {@code a.B.C} are one name.
 *
 * <p>The index of names covers the endpoint's known types: handled, routed and registered types,
 * the permitted subclasses of sealed handled types, and every supertype of these. Two known types
 * claiming one name (a name, an alias or a class name) is a problem reported at build. Other types
 * are named when first sent. Immutable and thread-safe; names are cached per class.
 */
public final class MessageNames {
  /** Separates the names in the enclosed-types header; never part of a name. */
  public static final String SEPARATOR = ";";

  private final Map<Class<?>, WireName> registered;
  private final Map<String, Class<?>> byKey = new HashMap<>();
  private final List<String> problems = new ArrayList<>();

  private final ClassValue<WireName> names =
      new ClassValue<>() {
        @Override
        protected WireName computeValue(Class<?> type) {
          List<String> found = problemsOf(type);
          if (!found.isEmpty()) {
            throw new PumpConfigurationException(String.join("; ", found));
          }
          return resolve(type);
        }
      };

  private final ClassValue<List<String>> topics =
      new ClassValue<>() {
        @Override
        protected List<String> computeValue(Class<?> type) {
          return MessageTypes.hierarchy(type).stream()
              .map(t -> topicOf(nameOf(t)))
              .distinct()
              .toList();
        }
      };

  private final ClassValue<String> enclosedTypes =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          return MessageTypes.hierarchy(type).stream()
              .map(MessageNames.this::nameOf)
              .collect(Collectors.joining(SEPARATOR));
        }
      };

  private MessageNames(Map<Class<?>, WireName> registered, Collection<Class<?>> known) {
    this.registered = Map.copyOf(registered);
    Set<String> reported = new LinkedHashSet<>();
    registered.keySet().stream()
        .filter(MessageTypes::isJdk)
        .forEach(type -> reported.addAll(problemsOf(type)));
    for (Class<?> type : closure(known)) {
      List<String> found = problemsOf(type);
      if (!found.isEmpty()) {
        reported.addAll(found);
        continue;
      }
      for (String claim : claims(type)) {
        Class<?> other = byKey.putIfAbsent(topicOf(claim), type);
        if (other != null && other != type) {
          reported.add(
              "the message name \""
                  + claim
                  + "\" is claimed by both "
                  + other.getName()
                  + " and "
                  + type.getName()
                  + "; give one of them another name or alias");
        }
      }
    }
    problems.addAll(reported);
  }

  /**
   * The names of an endpoint.
   *
   * @param registered names registered on the endpoint builder, by type
   * @param known the handled, routed and registered types, whose names are checked now
   */
  public static MessageNames create(
      Map<Class<?>, WireName> registered, Collection<Class<?>> known) {
    return new MessageNames(registered, known);
  }

  /** Every name of the known types that is invalid or claimed twice, one sentence each. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** The topic of a name or alias: {@code $} as {@code .}, so a class name is a valid topic. */
  public static String topicOf(String name) {
    return name.replace('$', '.');
  }

  /**
   * The wire name of {@code type}.
   *
   * @throws PumpConfigurationException if its annotation or registration names it invalidly
   */
  public String nameOf(Class<?> type) {
    return names.get(type).name();
  }

  /** The earlier names of {@code type}, its class name last unless it is its name. */
  public List<String> aliasesOf(Class<?> type) {
    return names.get(type).aliases();
  }

  /** The value of the enclosed-types header: the names of the type and its supertypes. */
  public String enclosedTypes(Class<?> type) {
    return enclosedTypes.get(type);
  }

  /** The topics a message of {@code type} is published to, its own first; cached. */
  public List<String> topicsOf(Class<?> type) {
    return topics.get(type);
  }

  /**
   * The topics an endpoint handling {@code type} subscribes to: its name's, then its aliases', so
   * events published under an earlier name still arrive.
   */
  public List<String> subscriptionTopics(Class<?> type) {
    return claims(type).stream().map(MessageNames::topicOf).distinct().toList();
  }

  /** The known type with this name, alias or class name, or null if none is known by it. */
  public Class<?> typeNamed(String name) {
    return byKey.get(topicOf(name));
  }

  private List<String> claims(Class<?> type) {
    WireName wire = names.get(type);
    List<String> claims = new ArrayList<>(List.of(wire.name()));
    claims.addAll(wire.aliases());
    return claims;
  }

  private WireName resolve(Class<?> type) {
    WireName wire = registered.get(type);
    MessageName annotation = type.getAnnotation(MessageName.class);
    String name = wire != null ? wire.name() : annotation != null ? annotation.value() : null;
    if (name == null) {
      return new WireName(type.getName(), List.of());
    }
    Set<String> aliases = new LinkedHashSet<>();
    if (wire != null) {
      aliases.addAll(wire.aliases());
    }
    if (annotation != null) {
      if (wire != null) {
        aliases.add(annotation.value());
      }
      aliases.addAll(List.of(annotation.aliases()));
    }
    aliases.add(type.getName());
    aliases.removeIf(alias -> topicOf(alias).equals(topicOf(name)));
    return new WireName(name, List.copyOf(aliases));
  }

  private List<String> problemsOf(Class<?> type) {
    List<String> found = new ArrayList<>();
    WireName wire = registered.get(type);
    if (wire != null) {
      String property = "endpoint.messageName for " + type.getName();
      if (MessageTypes.isJdk(type)) {
        found.add(property + " must be for one of the application's own types");
      }
      check(found, property, wire.name(), wire.aliases());
    }
    MessageName annotation = type.getAnnotation(MessageName.class);
    if (annotation != null) {
      check(found, "@MessageName on " + type.getName(), annotation.value(), annotation.aliases());
    }
    return found;
  }

  private static void check(
      List<String> found, String property, String name, List<String> aliases) {
    String problem = Names.problem(property, name);
    if (problem != null) {
      found.add(problem);
    }
    for (String alias : aliases) {
      if (alias == null || !Names.isValid(topicOf(alias))) {
        found.add(
            Names.problem(property + " alias", alias) + " (a Java class name may also have '$')");
      }
    }
  }

  private static void check(List<String> found, String property, String name, String[] aliases) {
    check(found, property, name, Arrays.asList(aliases));
  }

  private static Set<Class<?>> closure(Collection<Class<?>> known) {
    Set<Class<?>> result = new LinkedHashSet<>();
    Deque<Class<?>> pending = new ArrayDeque<>(known);
    while (!pending.isEmpty()) {
      Class<?> type = pending.poll();
      if (MessageTypes.isJdk(type) || !result.add(type)) {
        continue;
      }
      pending.addAll(MessageTypes.hierarchy(type));
      Class<?>[] permitted = type.getPermittedSubclasses();
      if (permitted != null) {
        pending.addAll(List.of(permitted));
      }
    }
    return result;
  }
}
