package dev.pump.core.internal.endpoint;

import dev.pump.core.Endpoint.CriticalError;
import dev.pump.core.internal.pipeline.PipelineLayout;
import dev.pump.core.internal.routing.HandlerRegistration;
import dev.pump.core.internal.routing.MessageNames;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Serializer;
import dev.pump.core.spi.Storage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The validated, frozen settings of one endpoint; see {@code EndpointBuilder} for each.
 *
 * @param name the endpoint's name
 * @param inputQueue the queue it receives from
 * @param transport the transport
 * @param serializer the body serializer
 * @param clock the clock for headers and failure times
 * @param concurrency messages in flight at once
 * @param messagesPerTransaction the most messages handled in one transaction
 * @param batchFillWait how long a receive waits to fill a batch
 * @param receiveWait the longest one receive waits
 * @param stopGrace the grace of {@code close()}
 * @param cancellationGrace the wait after cancellation is signalled
 * @param computeThreads threads of the compute pool
 * @param immediateDispatchConcurrency immediate sends in flight per message
 * @param maxBatchMessages messages per transport call
 * @param maxBatchBytes body bytes per transport call
 * @param receiveBackoff first wait after a failed receive
 * @param maxReceiveBackoff longest wait after failed receives
 * @param circuitBreakerThreshold failed receives in a row that trip the breaker
 * @param onCriticalError the critical error callback
 * @param storage the unit of work, inbox and outbox, or null without storage
 * @param recoverability retries and error queue
 * @param autoSubscribe whether start subscribes to handled types' topics
 * @param classLoader where enclosed types are looked up
 * @param handlers the registered handlers, in order
 * @param routes command routes
 * @param pipeline the middleware layout
 * @param messageNames the wire names of message types
 * @param telemetry what is told of receives, processing and sends
 */
public record EndpointSettings(
    String name,
    String inputQueue,
    Transport transport,
    Serializer serializer,
    Clock clock,
    int concurrency,
    int messagesPerTransaction,
    Duration batchFillWait,
    Duration receiveWait,
    Duration stopGrace,
    Duration cancellationGrace,
    int computeThreads,
    int immediateDispatchConcurrency,
    int maxBatchMessages,
    int maxBatchBytes,
    Duration receiveBackoff,
    Duration maxReceiveBackoff,
    int circuitBreakerThreshold,
    Consumer<CriticalError> onCriticalError,
    Recoverability recoverability,
    Storage storage,
    boolean autoSubscribe,
    ClassLoader classLoader,
    List<HandlerRegistration<?>> handlers,
    Map<Class<?>, String> routes,
    PipelineLayout pipeline,
    MessageNames messageNames,
    Telemetry telemetry) {}
