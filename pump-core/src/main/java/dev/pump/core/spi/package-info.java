/**
 * Pump's service provider interface, for who carries Pump over a new broker or a new database, not
 * for who writes handlers. A {@link dev.pump.core.spi.Transport} receives {@link
 * dev.pump.core.spi.ReceivedMessage}s and sends {@link dev.pump.core.spi.OutgoingMessage}s to a
 * {@link dev.pump.core.spi.Destination}, and says what it can do in its {@link
 * dev.pump.core.spi.TransportCapabilities}; prove one with the transport contract test suite. A
 * {@link dev.pump.core.spi.Storage} adds the inbox, the outbox and the unit of work to every
 * message.
 */
package dev.pump.core.spi;
