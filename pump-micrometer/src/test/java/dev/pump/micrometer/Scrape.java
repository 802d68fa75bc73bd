package dev.pump.micrometer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One Prometheus scrape, parsed from its text as a Prometheus server would read it. */
record Scrape(String text, List<Sample> samples) {
  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One line: a series and its value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  static Scrape of(PrometheusMeterRegistry registry) {
    String text = registry.scrape();
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher matcher = LINE.matcher(line);
      if (!matcher.matches()) {
        throw new AssertionError("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (matcher.group(2) != null) {
        Matcher label = LABEL.matcher(matcher.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(matcher.group(1), labels, number(matcher.group(3))));
    }
    return new Scrape(text, samples);
  }

  private static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  /** The names of every series. */
  Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  /** The series of {@code name} whose labels include {@code labels}. */
  List<Sample> series(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }

  /** The sum of the series of {@code name} whose labels include {@code labels}; 0 for none. */
  double sum(String name, Map<String, String> labels) {
    return series(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** The one series of {@code name} with {@code labels}; fails unless exactly one matches. */
  double value(String name, Map<String, String> labels) {
    List<Sample> found = series(name, labels);
    if (found.size() != 1) {
      throw new AssertionError(
          found.size() + " series " + name + labels + " in the scrape:\n" + text);
    }
    return found.getFirst().value();
  }

  /** Every label value of every series. */
  Set<String> labelValues() {
    Set<String> values = new TreeSet<>();
    samples.forEach(s -> values.addAll(s.labels().values()));
    return values;
  }
}
