package dev.pump.core.internal.pipeline;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.PipelineBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The order of an endpoint's links, by name, before the endpoint exists. Built-in links are
 * placeholders until {@link #compile} fills them in, because they need the finished settings.
 */
public final class PipelineLayout implements PipelineBuilder {
  private record Entry(String name, Middleware middleware) {}

  private final List<Entry> entries = new ArrayList<>();

  /** Creates the default layout: deserialize, dispatch-outgoing, invoke-handlers. */
  public PipelineLayout() {
    entries.add(new Entry(Middleware.DESERIALIZE, null));
    entries.add(new Entry(Middleware.DISPATCH_OUTGOING, null));
    entries.add(new Entry(Middleware.INVOKE_HANDLERS, null));
  }

  /** Copies a layout, so a built endpoint is unaffected by later builder changes. */
  public PipelineLayout copy() {
    PipelineLayout copy = new PipelineLayout();
    copy.entries.clear();
    copy.entries.addAll(entries);
    return copy;
  }

  @Override
  public PipelineBuilder addBefore(String anchor, String name, Middleware middleware) {
    entries.add(indexOf(anchor), newEntry(name, middleware));
    return this;
  }

  @Override
  public PipelineBuilder addAfter(String anchor, String name, Middleware middleware) {
    entries.add(indexOf(anchor) + 1, newEntry(name, middleware));
    return this;
  }

  @Override
  public PipelineBuilder replace(String name, Middleware middleware) {
    Objects.requireNonNull(middleware, "middleware");
    entries.set(indexOf(name), new Entry(name, middleware));
    return this;
  }

  @Override
  public List<String> names() {
    return entries.stream().map(Entry::name).toList();
  }

  /** Compiles the chain, using {@code builtIns} for the links nobody replaced. */
  public Chain compile(Map<String, Middleware> builtIns) {
    List<Middleware> links = new ArrayList<>();
    for (Entry entry : entries) {
      links.add(entry.middleware() != null ? entry.middleware() : builtIns.get(entry.name()));
    }
    return new Chain(links);
  }

  private Entry newEntry(String name, Middleware middleware) {
    Names.require("middleware name", name);
    Objects.requireNonNull(middleware, "middleware");
    if (names().contains(name)) {
      throw new PumpConfigurationException(
          "middleware name " + name + " is taken; the links are " + names());
    }
    return new Entry(name, middleware);
  }

  private int indexOf(String name) {
    int index = names().indexOf(name);
    if (index < 0) {
      throw new PumpConfigurationException(
          "there is no middleware named " + name + "; the links are " + names());
    }
    return index;
  }
}
