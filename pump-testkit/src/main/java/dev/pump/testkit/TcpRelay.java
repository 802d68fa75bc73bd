package dev.pump.testkit;

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
import java.util.function.IntSupplier;

/**
 * A loopback TCP relay to a server (a broker, a database) that a test or a fault harness can cut:
 * {@link #cut()} drops every relayed connection and refuses new ones until {@link #restore()}. To
 * the clients behind it this is a network outage; unlike closing connections on the server, it
 * needs no access to the server's host and touches no other client of a shared server. Thread-safe.
 */
public final class TcpRelay implements AutoCloseable {
  private final String targetHost;
  private final IntSupplier targetPort;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean cut;

  /** Relays a new loopback port to {@code targetHost:targetPort}. */
  public TcpRelay(String targetHost, int targetPort) throws IOException {
    this(targetHost, () -> targetPort);
  }

  /**
   * Relays a new loopback port to {@code targetHost} at the port {@code targetPort} gives when a
   * connection arrives: for a server that must be told the relay's port before it starts (a Kafka
   * broker advertising it) and binds its own port only then.
   */
  public TcpRelay(String targetHost, IntSupplier targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("tcp-relay-accept").start(this::accept);
  }

  /** The loopback port to connect to instead of the server's. */
  public int port() {
    return server.getLocalPort();
  }

  /** {@code serverUri} (e.g. an AMQP URI) with host and port replaced by this relay's. */
  public String uri(String serverUri) throws URISyntaxException {
    URI target = new URI(serverUri);
    return new URI(
            target.getScheme(),
            target.getRawUserInfo(),
            "127.0.0.1",
            port(),
            target.getRawPath(),
            null,
            null)
        .toString();
  }

  /** Drops every relayed connection and refuses new ones. */
  public void cut() {
    cut = true;
    open.forEach(TcpRelay::closeQuietly);
  }

  /** Relays new connections again. */
  public void restore() {
    cut = false;
  }

  /**
   * Connections refused while cut so far: the clients' reconnection attempts, which show they
   * noticed the outage and are recovering.
   */
  public long refusedConnections() {
    return refused.get();
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
        Socket target = new Socket(targetHost, targetPort.getAsInt());
        open.add(client);
        open.add(target);
        relay(client, target);
        relay(target, client);
      } catch (IOException e) {
        // the relay closed, or the server refused: the client sees a failed connect
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
