/** The implementation of the Kafka transport. Not supported API: free to change in any release. */
package dev.pump.kafka.internal;
