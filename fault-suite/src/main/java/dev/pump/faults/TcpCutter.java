package dev.pump.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay to the broker that the harness can cut: {@link #cut()} drops every relayed
 * connection and refuses new ones until {@link #restore()}. To the processes behind it this is the
 * broker becoming unreachable; other clients of a shared broker are untouched.
 */
public final class TcpCutter implements AutoCloseable {
  private final String host;
  private final int port;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  /** Relays a new loopback port to {@code host:port}. */
  public TcpCutter(String host, int port) throws IOException {
    this.host = host;
    this.port = port;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("tcp-cutter").start(this::accept);
  }

  /** The loopback port to connect to instead of the broker's. */
  public int port() {
    return server.getLocalPort();
  }

  /** Drops every relayed connection and refuses new ones. */
  public void cut() {
    cut = true;
    open.forEach(TcpCutter::closeQuietly);
  }

  /** Relays new connections again. */
  public void restore() {
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
          continue;
        }
        Socket broker = new Socket(host, port);
        open.add(client);
        open.add(broker);
        pipe(client, broker);
        pipe(broker, client);
      } catch (IOException e) {
        // closed, or the broker refused: the client sees its connection fail
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread.ofVirtual()
        .start(() -> {
          try (InputStream in = from.getInputStream();
              OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
          } catch (IOException e) {
            // one side closed
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
