package dev.pump.jdbc.internal.uow;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.spi.pipeline.PipelineContext;

/** Shared checks of the storage links. */
final class StorageLinks {
  private StorageLinks() {}

  /** The message's unit of work; its absence means the pipeline was arranged wrongly. */
  static UnitOfWork unitOfWork(PipelineContext context, String link) {
    return context
        .attributes()
        .get(UnitOfWork.CURRENT)
        .orElseThrow(() ->
            new PumpConfigurationException(
                "the "
                    + link
                    + " link of endpoint "
                    + context.endpointName()
                    + " runs outside the unit-of-work link: keep it after \"unit-of-work\""));
  }
}
