package dev.pump.jdbc.internal.uow;

import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.Next;
import dev.pump.core.spi.pipeline.PipelineContext;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.inbox.InboxStore;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@value #NAME} link: records the message id for this endpoint in the message's transaction
 * before the handlers run. A duplicate skips the rest of the pipeline and is acknowledged; no
 * exception, no rollback.
 */
public final class InboxLink implements Middleware {
  /** The link's name in the pipeline. */
  public static final String NAME = "inbox";

  private static final Logger log = LoggerFactory.getLogger(InboxLink.class);

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
    if (!inbox.recordFirstTime(unit.handle(), context.endpointName(), context.messageId())) {
      duplicates.increment();
      log.debug(
          "Endpoint {} skipped duplicate message {}", context.endpointName(), context.messageId());
      return;
    }
    next.proceed();
  }
}
