package dev.pump.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Line charts drawn with Java2D into one PNG, one panel per chart stacked top to bottom: what a
 * dashboard would show, drawn from a run's own samples, so the docs can show real data without a
 * Grafana server. Headless; not thread-safe.
 */
public final class Plot {
  private static final int WIDTH = 900;
  private static final int PANEL_HEIGHT = 210;
  private static final int LEFT = 80;
  private static final int RIGHT = 20;
  private static final int TOP = 30;
  private static final int BOTTOM = 35;
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)
  };

  /** One line: its name and its points (seconds from the start, value). */
  public record Series(String name, List<double[]> points) {}

  private record Panel(String title, String unit, List<Series> series) {}

  private final String title;
  private final List<Panel> panels = new ArrayList<>();

  /** A plot with {@code title} above its first panel. */
  public Plot(String title) {
    this.title = title;
  }

  /** Adds a panel of {@code series}, its values in {@code unit}. */
  public Plot panel(String panelTitle, String unit, List<Series> series) {
    panels.add(new Panel(panelTitle, unit, List.copyOf(series)));
    return this;
  }

  /** Draws every panel into {@code file}. */
  public void write(Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int height = 40 + panels.size() * PANEL_HEIGHT;
    BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title, LEFT, 25);
      for (int i = 0; i < panels.size(); i++) {
        draw(g, panels.get(i), 40 + i * PANEL_HEIGHT);
      }
    } finally {
      g.dispose();
    }
    java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(image, "png", file.toFile());
  }

  private static void draw(Graphics2D g, Panel panel, int y0) {
    int plotTop = y0 + TOP;
    int plotHeight = PANEL_HEIGHT - TOP - BOTTOM;
    int plotWidth = WIDTH - LEFT - RIGHT;
    double maxX = 1;
    double maxY = 0;
    for (Series s : panel.series()) {
      for (double[] p : s.points()) {
        maxX = Math.max(maxX, p[0]);
        maxY = Math.max(maxY, p[1]);
      }
    }
    maxY = niceCeiling(maxY);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    g.setColor(Color.BLACK);
    g.drawString(panel.title() + " (" + panel.unit() + ")", LEFT, y0 + 18);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int tick = 0; tick <= 4; tick++) {
      int y = plotTop + plotHeight - tick * plotHeight / 4;
      g.setColor(new Color(0xdddddd));
      g.drawLine(LEFT, y, LEFT + plotWidth, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(format(maxY * tick / 4), 8, y + 4);
    }
    for (int tick = 0; tick <= 6; tick++) {
      int x = LEFT + tick * plotWidth / 6;
      g.drawString(format(maxX * tick / 6) + " s", x - 10, plotTop + plotHeight + 16);
    }
    g.setColor(Color.GRAY);
    g.drawRect(LEFT, plotTop, plotWidth, plotHeight);
    int legendX = LEFT + plotWidth - 10;
    for (int i = 0; i < panel.series().size(); i++) {
      Series s = panel.series().get(i);
      Color color = COLORS[i % COLORS.length];
      g.setColor(color);
      g.setStroke(new BasicStroke(1.6f));
      int[] xs = new int[s.points().size()];
      int[] ys = new int[s.points().size()];
      for (int j = 0; j < xs.length; j++) {
        double[] p = s.points().get(j);
        xs[j] = LEFT + (int) Math.round(p[0] / maxX * plotWidth);
        ys[j] = plotTop + plotHeight - (int) Math.round(maxY == 0 ? 0 : p[1] / maxY * plotHeight);
      }
      g.drawPolyline(xs, ys, xs.length);
      if (xs.length == 1) {
        g.fillOval(xs[0] - 2, ys[0] - 2, 5, 5);
      }
      int width = g.getFontMetrics().stringWidth(s.name());
      legendX -= width + 24;
      g.fillRect(legendX, y0 + 10, 12, 3);
      g.setColor(Color.BLACK);
      g.drawString(s.name(), legendX + 16, y0 + 15);
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= value) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String format(double value) {
    if (value >= 1000) {
      return String.format("%,.0f", value);
    }
    return value == Math.rint(value) ? String.format("%.0f", value) : String.format("%.2f", value);
  }
}
