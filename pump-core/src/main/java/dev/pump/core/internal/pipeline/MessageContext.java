package dev.pump.core.internal.pipeline;

import dev.pump.core.Attributes;
import dev.pump.core.Cancellation;
import dev.pump.core.Headers;
import dev.pump.core.PumpException;
import dev.pump.core.SendOptions;
import dev.pump.core.internal.concurrent.Waiting;
import dev.pump.core.internal.dispatch.DefaultOutgoingBuffer;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.pipeline.Batch;
import dev.pump.core.spi.pipeline.IncomingMessage;
import dev.pump.core.spi.pipeline.OutgoingBuffer;
import dev.pump.core.spi.pipeline.PendingMessage;
import dev.pump.core.spi.pipeline.PipelineContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/** The context of one processing attempt of one message. */
public final class MessageContext implements PipelineContext {
  private final ContextServices services;
  private final IncomingMessage incoming;
  private final Cancellation cancellation;
  private final Batch batch;
  private final DefaultAttributes attributes = new DefaultAttributes();
  private final DefaultOutgoingBuffer outgoing = new DefaultOutgoingBuffer();
  // Bounds concurrent immediate sends, for handlers that fan out on many threads: the seeds'
  // lesson that unbounded concurrency floods whatever is downstream.
  private final Semaphore immediateSends;
  // numbers the sends of this attempt, so their ids repeat when a retry sends the same again
  private final AtomicInteger sends = new AtomicInteger();
  private volatile Object message;
  private volatile boolean active = true;

  /** Creates the context of one attempt. */
  public MessageContext(
      ContextServices services, IncomingMessage incoming, Cancellation cancellation, Batch batch) {
    this.services = services;
    this.incoming = incoming;
    this.cancellation = cancellation;
    this.batch = batch;
    this.immediateSends = new Semaphore(services.immediateDispatchConcurrency());
  }

  /**
   * Seals the outgoing buffer once the chain returned: later sends fail. Returns what was still
   * buffered, which was sent after the buffer's last drain and would never leave.
   */
  public List<PendingMessage> sealOutgoing() {
    return outgoing.seal(
        "the outgoing messages of message "
            + incoming.messageId()
            + " were already dispatched; send from the handler, before it returns");
  }

  /** Ends the attempt: later sends through this context fail. */
  public void deactivate() {
    active = false;
  }

  @Override
  public String messageId() {
    return incoming.messageId();
  }

  @Override
  public Map<String, String> headers() {
    return incoming.headers();
  }

  @Override
  public String endpointName() {
    return services.endpointName();
  }

  @Override
  public void send(Object message, SendOptions options) {
    Objects.requireNonNull(message, "message");
    submit(services.router().routeFor(message.getClass()), message, options);
  }

  @Override
  public void send(String destination, Object message, SendOptions options) {
    submit(Destination.queue(destination), message, options);
  }

  @Override
  public void publish(Object event, SendOptions options) {
    Objects.requireNonNull(event, "event");
    submit(services.router().topicsFor(event.getClass()), event, options);
  }

  @Override
  public void reply(Object message, SendOptions options) {
    String replyTo = incoming.headers().get(Headers.REPLY_TO);
    if (replyTo == null) {
      throw new PumpException(
          "cannot reply to message " + incoming.messageId() + ": it has no " + Headers.REPLY_TO);
    }
    submit(Destination.queue(replyTo), message, options);
  }

  private void submit(Destination destination, Object message, SendOptions options) {
    if (!active) {
      throw new PumpException(
          "the context of message "
              + incoming.messageId()
              + " is no longer active: send from the handler, before it returns");
    }
    PendingMessage pending =
        services.factory().create(destination, message, options, incoming, sends.getAndIncrement());
    if (!options.immediateDispatch()) {
      outgoing.add(pending);
      return;
    }
    try {
      immediateSends.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException(
          "interrupted while waiting to dispatch " + pending.message().messageId());
    }
    try {
      services.dispatcher().dispatch(List.of(pending));
    } finally {
      immediateSends.release();
    }
  }

  @Override
  public Cancellation cancellation() {
    return cancellation;
  }

  @Override
  public Attributes attributes() {
    return attributes;
  }

  @Override
  public <T> T compute(Callable<T> work) throws Exception {
    return services.computePool().run(work, cancellation);
  }

  @Override
  public <T> T await(CompletableFuture<T> future, Duration timeout) throws Exception {
    Objects.requireNonNull(timeout, "timeout");
    return Waiting.await(future, timeout, cancellation);
  }

  @Override
  public IncomingMessage incoming() {
    return incoming;
  }

  @Override
  public Object message() {
    return message;
  }

  @Override
  public void setMessage(Object message) {
    this.message = Objects.requireNonNull(message, "message");
  }

  @Override
  public OutgoingBuffer outgoing() {
    return outgoing;
  }

  @Override
  public Batch batch() {
    return batch;
  }
}
