package io.sockmapd.benchmarks.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Opens many idle socketmap connections to a daemon and holds them, for measuring what idle
 * connections cost the server (benchmarks/idle-connections.sh reads the daemon's RSS meanwhile).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.sockmapd.benchmarks.load.IdleConnections \
 *     --port 8732 --connections 10000 --map virtual --key postmaster@example.com --sample 100
 * </pre>
 *
 * <p>After connecting it sends one lookup on every {@code sample}-th connection and checks each
 * gets a reply, then checks no connection was closed by the server (a refusal for {@code
 * max_connections} shows up as an end of stream). It prints {@code ready connections=N ...} and
 * holds every connection open until its standard input closes, then exits; exit status 1 when a
 * connection failed, was closed, or a sampled lookup got no reply.
 */
public final class IdleConnections {
  private IdleConnections() {}

  public static void main(String[] args) throws IOException {
    int port = 8732;
    int connections = 10_000;
    int sample = 100;
    String map = "virtual";
    String key = "postmaster@example.com";
    for (int i = 0; i + 1 < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value);
        case "--connections" -> connections = Integer.parseInt(value);
        case "--sample" -> sample = Math.max(1, Integer.parseInt(value));
        case "--map" -> map = value;
        case "--key" -> key = value;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    List<SocketChannel> channels = new ArrayList<>(connections);
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < connections; i++) {
        SocketChannel channel = SocketChannel.open(address);
        channel.configureBlocking(false);
        channels.add(channel);
      }
      int replies = lookupOnSample(channels, sample, netstring(map + " " + key), selector);
      int requests = (connections + sample - 1) / sample;
      // Any connection the server closed (e.g. refused for max_connections) is readable with an
      // end of stream by now; the sampled ones have been read to their reply already.
      int closed = countClosed(channels, selector);
      System.out.printf(
          Locale.ROOT,
          "ready connections=%d closed_by_server=%d lookups=%d replies=%d%n",
          connections,
          closed,
          requests,
          replies);
      System.out.flush();
      InputStream in = System.in;
      while (in.read() >= 0) {
        // hold the connections until the caller closes our stdin
      }
      if (closed > 0 || replies < requests) {
        System.exit(1);
      }
    } finally {
      for (SocketChannel channel : channels) {
        channel.close();
      }
    }
  }

  private static ByteBuffer netstring(String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    ByteBuffer request = ByteBuffer.allocate(bytes.length + 16);
    request
        .put((bytes.length + ":").getBytes(StandardCharsets.US_ASCII))
        .put(bytes)
        .put((byte) ',');
    return request.flip();
  }

  /** Sends the request on every sample-th connection; returns how many got a complete reply. */
  private static int lookupOnSample(
      List<SocketChannel> channels, int sample, ByteBuffer request, Selector selector)
      throws IOException {
    int waiting = 0;
    for (int i = 0; i < channels.size(); i += sample) {
      SocketChannel channel = channels.get(i);
      ByteBuffer out = request.duplicate();
      while (out.hasRemaining()) {
        channel.write(out);
      }
      channel.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(1024));
      waiting++;
    }
    int replies = 0;
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (replies < waiting && System.nanoTime() < deadline) {
      selector.select(100);
      for (SelectionKey selected : selector.selectedKeys()) {
        SocketChannel channel = (SocketChannel) selected.channel();
        ByteBuffer in = (ByteBuffer) selected.attachment();
        if (channel.read(in) < 0 || isCompleteNetstring(in)) {
          if (isCompleteNetstring(in)) {
            replies++;
          }
          selected.cancel();
        }
      }
      selector.selectedKeys().clear();
    }
    selector.selectNow(); // flush the cancelled keys before the channels are registered again
    return replies;
  }

  private static boolean isCompleteNetstring(ByteBuffer in) {
    String text = StandardCharsets.ISO_8859_1.decode(in.duplicate().flip()).toString();
    int colon = text.indexOf(':');
    if (colon <= 0) {
      return false;
    }
    int length = Integer.parseInt(text.substring(0, colon));
    return in.position() >= colon + 1 + length + 1;
  }

  private static int countClosed(List<SocketChannel> channels, Selector selector)
      throws IOException {
    for (SocketChannel channel : channels) {
      channel.register(selector, SelectionKey.OP_READ);
    }
    selector.select(1000);
    int closed = 0;
    ByteBuffer scratch = ByteBuffer.allocate(1);
    for (SelectionKey selected : selector.selectedKeys()) {
      scratch.clear();
      if (((SocketChannel) selected.channel()).read(scratch) < 0) {
        closed++;
      }
    }
    selector.selectedKeys().clear();
    return closed;
  }
}
