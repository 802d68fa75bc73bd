/**
 * The transport service provider interface: {@link dev.pump.core.transport.Transport}, what it
 * receives ({@link dev.pump.core.transport.ReceivedMessage}) and sends ({@link
 * dev.pump.core.transport.OutgoingMessage}). Implement it to carry Pump over a new broker, and
 * prove it with the contract test suite.
 */
package dev.pump.core.transport;
