package io.sockmapd.bench;

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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A closed-loop socketmap load generator: each of N connections sends one request and waits for the
 * whole reply before sending the next, as Postfix and Sendmail do. One thread drives every
 * connection through a selector, so the generator costs little CPU next to the server it measures.
 * It writes and parses netstrings by hand, independently of the codec under test.
 *
 * <p>Key file: one key per line, or {@code KEY<TAB>EXPECTED-REPLY} (the reply payload, e.g. {@code
 * OK u1@dest.example} or {@code NOTFOUND }); every definitive reply that differs from the expected
 * one counts as wrong.
 *
 * <pre>
 * java -cp sockmapd.jar io.sockmapd.bench.LoadGenerator --port 8732 --map virtual \
 *     --keys keys.tsv --connections 32 --seconds 10 --warmup 2
 * </pre>
 *
 * <p>Prints one line of {@code name=value} pairs and exits 1 when a request failed or a reply was
 * wrong.
 */
public final class LoadGenerator {
  private static final int MAX_REPLY = 200_000;

  private final byte[][] requests;
  private final String[] expected;
  private final InetSocketAddress address;
  private final int connections;
  private final long warmupNanos;
  private final long measureNanos;

  private long[] latencies = new long[1 << 16];
  private int latencyCount;
  private long ok;
  private long notFound;
  private long temp;
  private long timeout;
  private long perm;
  private long other;
  private long wrong;
  private long errors;
  private boolean measuring;

  private LoadGenerator(
      List<String[]> keys,
      String map,
      InetSocketAddress address,
      int connections,
      long warmupNanos,
      long measureNanos) {
    this.requests = new byte[keys.size()][];
    this.expected = new String[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      byte[] payload = (map + " " + keys.get(i)[0]).getBytes(StandardCharsets.UTF_8);
      byte[] prefix = (payload.length + ":").getBytes(StandardCharsets.US_ASCII);
      byte[] request = Arrays.copyOf(prefix, prefix.length + payload.length + 1);
      System.arraycopy(payload, 0, request, prefix.length, payload.length);
      request[request.length - 1] = ',';
      requests[i] = request;
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
            errors++;
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
    return summary();
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
    String reply = completeReply(c.received, c.in.position());
    if (reply == null) {
      return;
    }
    long latency = System.nanoTime() - c.sentAt;
    if (measuring) {
      record(latency, reply, expected[c.next]);
    }
    c.next = (c.next + 1) % requests.length;
    send(c);
  }

  /** Returns the reply payload once a whole netstring has arrived, else null. */
  private static String completeReply(byte[] data, int size) throws IOException {
    int colon = -1;
    for (int i = 0; i < size; i++) {
      if (data[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      if (size > 7) {
        throw new IOException("bad reply length");
      }
      return null;
    }
    int length = Integer.parseInt(new String(data, 0, colon, StandardCharsets.US_ASCII).trim());
    if (length > MAX_REPLY) {
      throw new IOException("reply too long");
    }
    if (size < colon + 1 + length + 1) {
      return null;
    }
    if (data[colon + 1 + length] != ',') {
      throw new IOException("missing ',' after reply");
    }
    return new String(data, colon + 1, length, StandardCharsets.UTF_8);
  }

  private void record(long latencyNanos, String reply, String expectedReply) {
    if (latencyCount == latencies.length) {
      latencies = Arrays.copyOf(latencies, latencies.length * 2);
    }
    latencies[latencyCount++] = latencyNanos;
    boolean definitive = true;
    if (reply.startsWith("OK ")) {
      ok++;
    } else if (reply.equals("NOTFOUND ") || reply.equals("NOTFOUND")) {
      notFound++;
    } else {
      definitive = false;
      if (reply.startsWith("TEMP")) {
        temp++;
      } else if (reply.startsWith("TIMEOUT")) {
        timeout++;
      } else if (reply.startsWith("PERM")) {
        perm++;
      } else {
        other++;
      }
    }
    if (definitive && expectedReply != null && !expectedReply.equals(reply)) {
      wrong++;
    }
  }

  private String summary() {
    long[] sorted = Arrays.copyOf(latencies, latencyCount);
    Arrays.sort(sorted);
    double seconds = measureNanos / 1e9;
    return String.format(
        Locale.ROOT,
        "requests=%d rps=%.0f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d"
            + " ok=%d notfound=%d temp=%d timeout=%d perm=%d other=%d wrong=%d errors=%d"
            + " conns=%d",
        latencyCount,
        latencyCount / seconds,
        percentile(sorted, 0.50),
        percentile(sorted, 0.90),
        percentile(sorted, 0.99),
        percentile(sorted, 0.999),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000,
        ok,
        notFound,
        temp,
        timeout,
        perm,
        other,
        wrong,
        errors,
        connections);
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1000;
  }

  private boolean failed() {
    return wrong > 0 || errors > 0;
  }

  /** Command line entry point; see the class comment for the options. */
  public static void main(String[] args) throws IOException {
    String host = "127.0.0.1";
    int port = 8732;
    String map = "virtual";
    Path keys = null;
    int connections = 32;
    double seconds = 5;
    double warmup = 1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--host" -> host = args[i + 1];
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--map" -> map = args[i + 1];
        case "--keys" -> keys = Path.of(args[i + 1]);
        case "--connections" -> connections = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
        default -> usage("unknown option " + args[i]);
      }
    }
    if (keys == null || args.length % 2 != 0) {
      usage("--keys FILE is required");
      return;
    }
    List<String[]> lines = new ArrayList<>();
    for (String line : Files.readAllLines(keys, StandardCharsets.UTF_8)) {
      if (!line.isEmpty()) {
        lines.add(line.split("\t", 2));
      }
    }
    if (lines.isEmpty()) {
      usage("no keys in " + keys);
      return;
    }
    LoadGenerator generator =
        new LoadGenerator(
            lines,
            map,
            new InetSocketAddress(host, port),
            connections,
            (long) (warmup * 1e9),
            (long) (seconds * 1e9));
    System.out.println(generator.run());
    System.exit(generator.failed() ? 1 : 0);
  }

  private static void usage(String problem) {
    System.err.println("loadgen: " + problem);
    System.err.println(
        "usage: LoadGenerator --keys FILE [--host H] [--port P] [--map NAME]"
            + " [--connections C] [--seconds S] [--warmup W]");
    System.exit(2);
  }
}
