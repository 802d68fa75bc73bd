package dev.pump.console.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Throughput and relay lag over a window as two line charts, computed here and drawn by the
 * template as inline SVG: only numbers reach the markup, so no script and no style is needed.
 *
 * @param width the SVG's width in user units
 * @param height each panel's height
 * @param from the window's start, as shown
 * @param to its end, as shown
 * @param panels throughput (messages per bucket) and lag (milliseconds)
 * @param summary the totals in words, for who cannot see the chart
 */
public record Chart(
    int width, int height, String from, String to, List<Panel> panels, String summary) {
  static final int WIDTH = 720;
  static final int HEIGHT = 170;
  static final int LEFT = 56;
  static final int RIGHT = 12;
  static final int TOP = 22;
  static final int BOTTOM = 24;

  /**
   * One chart.
   *
   * @param title its title
   * @param top the value at the top of the scale, as shown
   * @param lines its series
   * @param ticks the time labels along the bottom
   * @param plotLeft where the plot starts
   * @param plotRight where it ends
   * @param plotTop its top
   * @param plotBottom its bottom
   */
  public record Panel(
      String title,
      String top,
      List<Line> lines,
      List<Tick> ticks,
      int plotLeft,
      int plotRight,
      int plotTop,
      int plotBottom) {}

  /**
   * One series.
   *
   * @param name its legend
   * @param kind "a" or "b": which of two colors
   * @param points the polyline's points, "x,y x,y ..."
   * @param legendX where its legend starts
   */
  public record Line(String name, String kind, String points, int legendX) {}

  /**
   * A time label.
   *
   * @param x where
   * @param label what
   */
  public record Tick(int x, String label) {}

  /**
   * The chart of {@code buckets}, each starting at {@code starts[i]}.
   *
   * @param handled inbox rows processed per bucket
   * @param dispatched outbox rows dispatched per bucket
   * @param lagAverage average relay lag per bucket (null: none dispatched)
   * @param lagMax largest relay lag per bucket (null: none dispatched)
   */
  public static Chart of(
      Instant from,
      Instant to,
      Duration bucket,
      List<Instant> starts,
      long[] handled,
      long[] dispatched,
      Duration[] lagAverage,
      Duration[] lagMax) {
    int n = starts.size();
    double[] handledValues = new double[n];
    double[] dispatchedValues = new double[n];
    double[] averageValues = new double[n];
    double[] maxValues = new double[n];
    long handledTotal = 0;
    long dispatchedTotal = 0;
    Duration worst = Duration.ZERO;
    for (int i = 0; i < n; i++) {
      handledValues[i] = handled[i];
      dispatchedValues[i] = dispatched[i];
      averageValues[i] = lagAverage[i] == null ? 0 : lagAverage[i].toMillis();
      maxValues[i] = lagMax[i] == null ? 0 : lagMax[i].toMillis();
      handledTotal += handled[i];
      dispatchedTotal += dispatched[i];
      if (lagMax[i] != null && lagMax[i].compareTo(worst) > 0) {
        worst = lagMax[i];
      }
    }
    List<Tick> ticks = ticks(from, to, starts);
    double[] times = new double[n];
    for (int i = 0; i < n; i++) {
      times[i] = x(from, to, starts.get(i).plus(bucket.dividedBy(2)));
    }
    double handledTop = top(handledValues, dispatchedValues);
    double lagTop = top(averageValues, maxValues);
    Panel throughput =
        new Panel(
            "Messages per " + Formats.duration(bucket),
            Formats.count(handledTop),
            List.of(
                new Line("handled (inbox)", "a", points(times, handledValues, handledTop), LEFT),
                new Line(
                    "dispatched (outbox)",
                    "b",
                    points(times, dispatchedValues, handledTop),
                    LEFT + 150)),
            ticks,
            LEFT,
            WIDTH - RIGHT,
            TOP,
            HEIGHT - BOTTOM);
    Panel lag =
        new Panel(
            "Relay lag, due to dispatched (ms)",
            Formats.count(lagTop),
            List.of(
                new Line("average", "a", points(times, averageValues, lagTop), LEFT),
                new Line("largest", "b", points(times, maxValues, lagTop), LEFT + 150)),
            ticks,
            LEFT,
            WIDTH - RIGHT,
            TOP,
            HEIGHT - BOTTOM);
    String summary =
        String.format(
            Locale.ROOT,
            "From %s to %s: %,d messages handled, %,d dispatched; largest relay lag %s.",
            Formats.time(from),
            Formats.time(to),
            handledTotal,
            dispatchedTotal,
            Formats.duration(worst));
    return new Chart(
        WIDTH, HEIGHT, Formats.time(from), Formats.time(to), List.of(throughput, lag), summary);
  }

  private static double top(double[] a, double[] b) {
    double top = 1;
    for (int i = 0; i < a.length; i++) {
      top = Math.max(top, Math.max(a[i], b[i]));
    }
    return niceCeiling(top);
  }

  // 1, 2 or 5 times a power of ten, at or above value
  static double niceCeiling(double value) {
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * power >= value) {
        return step * power;
      }
    }
    return 10 * power;
  }

  private static String points(double[] times, double[] values, double top) {
    StringBuilder points = new StringBuilder();
    double height = HEIGHT - BOTTOM - TOP;
    for (int i = 0; i < times.length; i++) {
      double y = HEIGHT - BOTTOM - height * values[i] / top;
      if (!points.isEmpty()) {
        points.append(' ');
      }
      points.append(String.format(Locale.ROOT, "%.1f,%.1f", times[i], y));
    }
    return points.toString();
  }

  private static double x(Instant from, Instant to, Instant at) {
    double span = Math.max(1, Duration.between(from, to).toMillis());
    double offset = Duration.between(from, at).toMillis();
    double fraction = Math.max(0, Math.min(1, offset / span));
    return LEFT + fraction * (WIDTH - LEFT - RIGHT);
  }

  private static List<Tick> ticks(Instant from, Instant to, List<Instant> starts) {
    List<Tick> ticks = new ArrayList<>();
    long minutes = Math.max(1, Duration.between(from, to).toMinutes());
    long every = minutes <= 60 ? 10 : minutes <= 360 ? 60 : 240;
    Instant first = from.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    for (Instant t = first; !t.isAfter(to); t = t.plus(Duration.ofMinutes(1))) {
      if (!t.isBefore(from) && (t.getEpochSecond() / 60) % every == 0) {
        ticks.add(new Tick((int) Math.round(x(from, to, t)), Formats.clock(t)));
      }
    }
    return ticks;
  }
}
