package dev.pump.jdbc.internal.uow;

import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.Next;
import dev.pump.core.spi.pipeline.PendingMessage;
import dev.pump.core.spi.pipeline.PipelineContext;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.outbox.OutboxRow;
import dev.pump.jdbc.internal.outbox.OutboxRows;
import dev.pump.jdbc.internal.outbox.OutboxStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@value #NAME} link: once the handlers succeeded, writes everything they sent into the outbox
 * in the message's transaction, and wakes the dispatcher after commit. A message handled alone
 * writes its rows at once, in one statement. In a batch, the rows are kept as part of the attempt
 * (undoing the attempt drops them), and just before the transaction commits the rows of every
 * message it holds are written in one statement, each with the id of the message that caused it;
 * should that fail, the batch rolls back whole and its messages come back, each then alone.
 */
public final class OutboxLink implements Middleware {
  /** The link's name in the pipeline. */
  public static final String NAME = "outbox";

  private static final UnitOfWork.Deferral<Sent> SENT =
      UnitOfWork.Deferral.of("outbox rows", Sent.class);

  private final StorageRuntime runtime;
  private final OutboxStore outbox;

  /** Creates the link. */
  public OutboxLink(StorageRuntime runtime) {
    this.runtime = runtime;
    this.outbox = runtime.outbox();
  }

  @Override
  public void invoke(PipelineContext context, Next next) throws Exception {
    next.proceed();
    List<PendingMessage> sent = context.outgoing().drain();
    if (sent.isEmpty()) {
      return;
    }
    UnitOfWork unit = StorageLinks.unitOfWork(context, NAME);
    if (!context.batch().isShared()) {
      // alone, the rows go in at once: a refusal is this message's failure, decided on by its
      // attempt, and not a failed commit
      unit.requireNotAborted("the handling of message " + context.messageId());
      outbox.insert(
          unit.handle(), context.endpointName(), context.messageId(), OutboxRows.of(sent));
      unit.afterCommit(runtime::outboxCommitted);
      return;
    }
    unit.defer(SENT, new Sent(context.endpointName(), context.messageId(), OutboxRows.of(sent)));
    unit.beforeCommit(SENT, () -> write(unit));
  }

  private void write(UnitOfWork unit) {
    List<Sent> all = unit.deferred(SENT);
    if (all.isEmpty()) {
      return; // every attempt that sent was undone
    }
    Map<String, List<Sent>> byEndpoint = new LinkedHashMap<>();
    for (Sent sent : all) {
      byEndpoint.computeIfAbsent(sent.endpoint(), e -> new ArrayList<>()).add(sent);
    }
    byEndpoint.forEach((endpoint, sentThere) -> {
      List<String> causations = new ArrayList<>();
      List<OutboxRow> rows = new ArrayList<>();
      for (Sent sent : sentThere) {
        for (OutboxRow row : sent.rows()) {
          causations.add(sent.causationId());
          rows.add(row);
        }
      }
      outbox.insertCaused(unit.handle(), endpoint, causations, rows);
    });
    unit.afterCommit(runtime::outboxCommitted);
  }

  /** What one message's handling sent. */
  private record Sent(String endpoint, String causationId, List<OutboxRow> rows) {}
}
