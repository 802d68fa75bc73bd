package dev.pump.core.recoverability;

import java.util.Map;

/**
 * One failed processing attempt, as a recoverability policy sees it.
 *
 * @param messageId the failed message's id
 * @param queue the queue it was received from
 * @param headers its headers, as received
 * @param exception what the pipeline threw
 */
public record Failure(
    String messageId, String queue, Map<String, String> headers, Throwable exception) {}
