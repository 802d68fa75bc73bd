package dev.pump.core.internal.pipeline;

import dev.pump.core.internal.concurrent.ComputePool;
import dev.pump.core.internal.dispatch.OutgoingFactory;
import dev.pump.core.internal.dispatch.TransportDispatcher;
import dev.pump.core.internal.routing.Router;

/**
 * What every message context of one endpoint shares.
 *
 * @param endpointName the endpoint's name
 * @param router resolves destinations
 * @param factory creates outgoing messages
 * @param dispatcher sends immediately dispatched messages
 * @param immediateDispatchConcurrency how many immediate sends one message may have in flight
 * @param computePool the pool for offloaded compute-bound work
 */
public record ContextServices(
    String endpointName,
    Router router,
    OutgoingFactory factory,
    TransportDispatcher dispatcher,
    int immediateDispatchConcurrency,
    ComputePool computePool) {}
