package dev.pump.rabbitmq;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay between the transport under test and the broker, which a test can cut: every relayed
 * connection is dropped, and new ones are refused until {@link #restore()}. To the client this is a
 * network outage; unlike {@code rabbitmqctl close_all_connections}, it needs no access to the
 * broker's host and touches no other client of a shared broker.
 */
final class TcpProxy implements AutoCloseable {
  private final String targetHost;
  private final int targetPort;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean cut;

  TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("tcp-proxy-accept").start(this::accept);
  }

  /** The AMQP URI that reaches the broker through this proxy. */
  String uri(String brokerUri) throws URISyntaxException {
    URI broker = new URI(brokerUri);
    return new URI(
            broker.getScheme(),
            broker.getRawUserInfo(),
            "127.0.0.1",
            server.getLocalPort(),
            broker.getRawPath(),
            null,
            null)
        .toString();
  }

  /** Drops every relayed connection and refuses new ones. */
  void cut() {
    cut = true;
    open.forEach(TcpProxy::closeQuietly);
  }

  /**
   * Connections refused while cut so far: a client's reconnection attempts, which show it noticed
   * the outage and is recovering.
   */
  long refusedConnections() {
    return refused.get();
  }

  /** Relays new connections again. */
  void restore() {
    cut = false;
  }

  @Override
  public void close() {
    cut();
    closeQuietly(server);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (cut) {
          client.close();
          refused.incrementAndGet();
          continue;
        }
        Socket broker = new Socket(targetHost, targetPort);
        open.add(client);
        open.add(broker);
        relay(client, broker);
        relay(broker, client);
      } catch (IOException e) {
        // the server socket closed, or the broker refused: the client sees a failed connect
      }
    }
  }

  private void relay(Socket from, Socket to) {
    Thread.ofVirtual()
        .start(() -> {
          try (InputStream in = from.getInputStream();
              OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
          } catch (IOException e) {
            // one side closed: close the other below
          } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
          }
        });
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // already closed
    }
  }
}
