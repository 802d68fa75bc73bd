package dev.pump.jdbc.internal.uow;

import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.spi.pipeline.IncomingMessage;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.Next;
import dev.pump.core.spi.pipeline.PipelineContext;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.inbox.InboxStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@value #NAME} link: records the message id for this endpoint in the message's transaction
 * before the handlers run. A duplicate skips the rest of the pipeline and is acknowledged; no
 * exception, no rollback.
 *
 * <p>In a batch, the first message to get here records the ids of itself and every message after it
 * in one statement (behind its attempt's savepoint: if that attempt is undone, the next message
 * records them again). A message whose handling is later undone (it failed, or was given back)
 * would leave its id recorded while it comes again; so just before the commit, the ids recorded
 * here whose messages were not handled are removed, in one statement. A second copy of an id in the
 * same batch is a duplicate once the first was handled.
 */
public final class InboxLink implements Middleware {
  /** The link's name in the pipeline. */
  public static final String NAME = "inbox";

  private static final Logger log = LoggerFactory.getLogger(Loggers.STORAGE);

  private static final UnitOfWork.Deferral<Recorded> RECORDED =
      UnitOfWork.Deferral.of("inbox ids recorded", Recorded.class);
  private static final UnitOfWork.Deferral<String> HANDLED =
      UnitOfWork.Deferral.of("inbox ids handled", String.class);
  private static final UnitOfWork.Deferral<Copy> COPIES =
      UnitOfWork.Deferral.of("copies in the same batch", Copy.class);

  private final InboxStore inbox;
  private final LongAdder duplicates;

  /** Creates the link; the runtime's duplicate counter counts the copies it skipped. */
  public InboxLink(StorageRuntime runtime) {
    this.inbox = runtime.inbox();
    this.duplicates = runtime.duplicates();
  }

  @Override
  public void invoke(PipelineContext context, Next next) throws Exception {
    UnitOfWork unit = StorageLinks.unitOfWork(context, NAME);
    boolean firstTime =
        context.batch().isShared()
            ? firstTimeInBatch(unit, context)
            : inbox.recordFirstTime(unit.handle(), context.endpointName(), context.messageId());
    if (!firstTime) {
      duplicates.increment();
      log.debug(
          "Endpoint {} skipped duplicate message {}", context.endpointName(), context.messageId());
      return;
    }
    next.proceed();
    if (context.batch().isShared()) {
      unit.defer(HANDLED, context.messageId());
    }
  }

  private boolean firstTimeInBatch(UnitOfWork unit, PipelineContext context) {
    String id = context.messageId();
    if (unit.deferred(HANDLED).contains(id)) {
      // an earlier copy in this batch was handled
      countCopy(unit, context.endpointName(), id);
      return false;
    }
    for (Recorded recorded : unit.deferred(RECORDED)) {
      if (recorded.ids().contains(id)) {
        if (recorded.firstTime().contains(id)) {
          return true;
        }
        // the insert counted one duplicate of the id; a second copy in the batch is counted apart
        if (!recorded.duplicatesCounted().add(id)) {
          countCopy(unit, context.endpointName(), id);
        }
        return false;
      }
    }
    List<IncomingMessage> messages = context.batch().messages();
    Set<String> ids = new HashSet<>();
    boolean reached = false;
    for (IncomingMessage message : messages) {
      reached |= message == context.incoming();
      if (reached) {
        ids.add(message.messageId());
      }
    }
    ids.add(id);
    String endpoint = context.endpointName();
    Set<String> firstTime = inbox.recordAllFirstTime(unit.handle(), endpoint, ids);
    Recorded recorded = new Recorded(endpoint, ids, firstTime, new HashSet<>());
    unit.defer(RECORDED, recorded);
    unit.beforeCommit(RECORDED, () -> forgetUnhandled(unit));
    if (firstTime.contains(id)) {
      return true;
    }
    recorded.duplicatesCounted().add(id);
    return false;
  }

  /** Counts, before the commit, a copy skipped without a statement of its own. */
  private void countCopy(UnitOfWork unit, String endpoint, String id) {
    unit.defer(COPIES, new Copy(endpoint, id));
    unit.beforeCommit(COPIES, () -> countCopies(unit));
  }

  private void forgetUnhandled(UnitOfWork unit) {
    Set<String> handled = new HashSet<>(unit.deferred(HANDLED));
    for (Recorded recorded : unit.deferred(RECORDED)) {
      List<String> unhandled =
          recorded.firstTime().stream().filter(id -> !handled.contains(id)).sorted().toList();
      inbox.forget(unit.handle(), recorded.endpoint(), unhandled);
    }
  }

  private void countCopies(UnitOfWork unit) {
    Map<String, List<String>> byEndpoint = new LinkedHashMap<>();
    for (Copy copy : unit.deferred(COPIES)) {
      byEndpoint.computeIfAbsent(copy.endpoint(), e -> new ArrayList<>()).add(copy.messageId());
    }
    byEndpoint.forEach((endpoint, ids) -> inbox.countDuplicates(unit.handle(), endpoint, ids));
  }

  /** A copy of a message handled earlier in the same batch. */
  private record Copy(String endpoint, String messageId) {}

  /**
   * The ids one statement recorded, which of them were recorded for the first time, and which of
   * the others had their one duplicate, counted by the statement, claimed by a copy.
   */
  private record Recorded(
      String endpoint, Set<String> ids, Set<String> firstTime, Set<String> duplicatesCounted) {}
}
