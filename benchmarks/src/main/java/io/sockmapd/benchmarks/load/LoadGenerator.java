package io.sockmapd.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A closed-loop load generator for socketmap and tcp_table listeners: each of N connections sends
 * one request and waits for the whole reply before sending the next (one request in flight per
 * connection), as Postfix and Sendmail do. One thread drives every connection through a selector,
 * so the generator costs little CPU next to the server it measures. It writes and parses both
 * protocols by hand ({@link WireFormat}), independently of the codec under test.
 *
 * <p>Key file: one key per line, or {@code KEY<TAB>EXPECTED-REPLY} (the reply payload, e.g. {@code
 * OK u1@dest.example} or {@code NOTFOUND }); every definitive reply that differs from the expected
 * one counts as wrong. With {@code --protocol tcp_table} the listener's own map answers ({@code
 * --map} is not sent) and its replies are read as socketmap's words ({@code 2xx} is {@code OK},
 * {@code 5xx} {@code NOTFOUND }, {@code 4xx} {@code TEMP}), so the same key file checks both.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.sockmapd.benchmarks.load.LoadGenerator \
 *     --port 8732 --map virtual --keys keys.tsv --connections 32 --seconds 10 --warmup 2
 * java -cp benchmarks/target/benchmarks.jar io.sockmapd.benchmarks.load.LoadGenerator \
 *     --protocol tcp_table --port 8733 --keys keys.tsv --connections 32 --seconds 10 --warmup 2
 * </pre>
 *
 * <p>Prints one line of {@code name=value} pairs and exits 1 when a request failed or a reply was
 * wrong.
 */
public final class LoadGenerator {
  private static final int MAX_REPLY = 200_000;

  private final WireFormat wire;
  private final byte[][] requests;
  private final String[] expected;
  private final InetSocketAddress address;
  private final int connections;
  private final long warmupNanos;
  private final long measureNanos;

  private final LoadResults results = new LoadResults();
  private boolean measuring;

  private LoadGenerator(
      List<String[]> keys,
      WireFormat wire,
      String map,
      InetSocketAddress address,
      int connections,
      long warmupNanos,
      long measureNanos) {
    this.requests = new byte[keys.size()][];
    this.expected = new String[keys.size()];
    this.wire = wire;
    for (int i = 0; i < keys.size(); i++) {
      requests[i] = wire.request(map, keys.get(i)[0]);
      expected[i] = keys.get(i).length > 1 ? keys.get(i)[1] : null;
    }
    this.address = address;
    this.connections = connections;
    this.warmupNanos = warmupNanos;
    this.measureNanos = measureNanos;
  }

  /** Per-connection state: which key is next, the request being written, the reply read so far. */
  private static final class Connection {
    final SocketChannel channel;
    SelectionKey key;

    /** Index of the request in flight. */
    int next;

    ByteBuffer out;
    final byte[] received = new byte[MAX_REPLY + 16];
    final ByteBuffer in = ByteBuffer.wrap(received);
    long sentAt;

    Connection(SocketChannel channel, int next) {
      this.channel = channel;
      this.next = next;
    }
  }

  private String run() throws IOException {
    Random random = new Random(42);
    List<Connection> all = new ArrayList<>();
    long start;
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < connections; i++) {
        SocketChannel channel = SocketChannel.open(address);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        Connection c = new Connection(channel, random.nextInt(requests.length));
        c.key = channel.register(selector, SelectionKey.OP_READ, c);
        all.add(c);
      }
      start = System.nanoTime();
      long measureStart = start + warmupNanos;
      long end = measureStart + measureNanos;
      for (Connection c : all) {
        send(c);
      }
      while (true) {
        long now = System.nanoTime();
        if (!measuring && now >= measureStart) {
          measuring = true;
        }
        if (now >= end) {
          break;
        }
        selector.select(Math.max(1, (end - now) / 1_000_000));
        for (SelectionKey key : selector.selectedKeys()) {
          Connection c = (Connection) key.attachment();
          try {
            if (key.isValid() && key.isWritable()) {
              c.channel.write(c.out);
              if (!c.out.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
              }
            } else if (key.isValid() && key.isReadable()) {
              read(c);
            }
          } catch (IOException e) {
            results.error();
            key.cancel();
            c.channel.close();
          }
        }
        selector.selectedKeys().clear();
      }
      for (Connection c : all) {
        c.channel.close();
      }
    }
    return results.summary(measureNanos, connections);
  }

  /**
   * Writes the connection's current request at once: the socket is writable nearly always, and
   * going through the selector first would cost the generator extra system calls per request (CPU
   * taken from the server it measures). Only a partial write waits for OP_WRITE.
   */
  private void send(Connection c) throws IOException {
    c.out = ByteBuffer.wrap(requests[c.next]);
    c.in.clear();
    c.sentAt = System.nanoTime();
    c.channel.write(c.out);
    if (c.out.hasRemaining()) {
      c.key.interestOps(SelectionKey.OP_WRITE);
    }
  }

  private void read(Connection c) throws IOException {
    int n = c.channel.read(c.in);
    if (n < 0) {
      throw new IOException("server closed the connection");
    }
    String reply = wire.reply(c.received, c.in.position());
    if (reply == null) {
      return;
    }
    long latency = System.nanoTime() - c.sentAt;
    if (measuring) {
      results.record(latency, reply, expected[c.next]);
    }
    c.next = (c.next + 1) % requests.length;
    send(c);
  }

  /** The key file's lines as {@code [key]} or {@code [key, expected reply]}. */
  static List<String[]> readKeys(Path keys) throws IOException {
    List<String[]> lines = new ArrayList<>();
    for (String line : Files.readAllLines(keys, StandardCharsets.UTF_8)) {
      if (!line.isEmpty()) {
        lines.add(line.split("\t", 2));
      }
    }
    return lines;
  }

  /** Command line entry point; see the class comment for the options. */
  public static void main(String[] args) throws IOException {
    String host = "127.0.0.1";
    int port = 8732;
    String map = "virtual";
    String protocol = "socketmap";
    RunOptions run = new RunOptions();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--host" -> host = args[i + 1];
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--map" -> map = args[i + 1];
        case "--protocol" -> protocol = args[i + 1];
        default -> {
          if (!run.take(args[i], args[i + 1])) {
            usage("unknown option " + args[i]);
          }
        }
      }
    }
    if (run.keys == null || args.length % 2 != 0) {
      usage("--keys FILE is required");
      return;
    }
    List<String[]> lines = readKeys(run.keys);
    if (lines.isEmpty()) {
      usage("no keys in " + run.keys);
      return;
    }
    WireFormat wire =
        switch (protocol) {
          case "socketmap" -> new SocketmapWire(MAX_REPLY);
          case "tcp_table" -> new TcpTableWire();
          default -> null;
        };
    if (wire == null) {
      usage("unknown --protocol " + protocol + " (socketmap or tcp_table)");
      return;
    }
    LoadGenerator generator =
        new LoadGenerator(
            lines,
            wire,
            map,
            new InetSocketAddress(host, port),
            run.connections,
            (long) (run.warmup * 1e9),
            (long) (run.seconds * 1e9));
    System.out.println(generator.run());
    System.exit(generator.results.failed() ? 1 : 0);
  }

  private static void usage(String problem) {
    System.err.println("loadgen: " + problem);
    System.err.println(
        "usage: LoadGenerator --keys FILE [--protocol socketmap|tcp_table] [--host H] [--port P]"
            + " [--map NAME]"
            + " [--connections C] [--seconds S] [--warmup W]");
    System.exit(2);
  }
}
