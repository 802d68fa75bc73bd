package dev.pump.core.internal.shared;

import dev.pump.core.PumpConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems a builder finds in its settings, collected so that {@code build()} names every one
 * at once instead of the first. Each problem starts with the setting's name as the user wrote it,
 * e.g. {@code dispatcher.claimSize}. Not thread-safe.
 */
public final class Problems {
  private final List<String> problems = new ArrayList<>();

  /** Adds {@code problem}, a sentence that names the setting; {@code null} is no problem. */
  public Problems add(String problem) {
    if (problem != null) {
      problems.add(problem);
    }
    return this;
  }

  /** Adds "{@code setting} must be set" if {@code value} is null; returns whether it was set. */
  public boolean required(String setting, Object value) {
    if (value == null) {
      problems.add(setting + " must be set");
      return false;
    }
    return true;
  }

  /** Adds a problem unless {@code min <= value <= max}. */
  public Problems range(String setting, long value, long min, long max) {
    if (value < min || value > max) {
      problems.add(setting + " must be between " + min + " and " + max + ", was " + value);
    }
    return this;
  }

  /** Adds a problem unless {@code value} is set and {@code min <= value <= max}. */
  public Problems range(String setting, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      problems.add(setting + " must be between " + min + " and " + max + ", was " + value);
    }
    return this;
  }

  /** Adds a problem unless {@code value} is set and positive. */
  public Problems positive(String setting, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      problems.add(setting + " must be positive, was " + value);
    }
    return this;
  }

  /** Adds a problem unless {@code value} is set and not negative. */
  public Problems notNegative(String setting, Duration value) {
    if (value == null || value.isNegative()) {
      problems.add(setting + " must not be negative, was " + value);
    }
    return this;
  }

  /** Adds the problem of a name that is not valid (see {@link Names}), if it is not. */
  public Problems name(String setting, String value) {
    String problem = Names.problem(setting, value);
    if (problem != null) {
      problems.add(problem);
    }
    return this;
  }

  /** Whether no problem was found. */
  public boolean isEmpty() {
    return problems.isEmpty();
  }

  /** The problems found so far, in the order found. */
  public List<String> list() {
    return List.copyOf(problems);
  }

  /**
   * Throws if any problem was found.
   *
   * @throws PumpConfigurationException naming every problem, separated by {@code "; "}
   */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new PumpConfigurationException(String.join("; ", problems));
    }
  }
}
