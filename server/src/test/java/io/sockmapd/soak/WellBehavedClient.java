package io.sockmapd.soak;

import io.sockmapd.testing.KvTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an MTA does: one request, wait for its reply, the next, on one long-lived connection, with
 * keys of known answers from {@link KvTable} (about half hit), in one {@link SoakProtocol}. Every
 * reply must be exactly the known answer, and must come within {@link #PATIENCE}; a reply that does
 * not is a stall.
 */
final class WellBehavedClient extends SoakClient {
  /**
   * Longest wait for one reply; Postfix's own socketmap timeout is 100 s, its SMTP budget less. On
   * a slow 2-core host that also runs PostgreSQL and every attacker, the daemon (C1 only, 64 MB)
   * answered the socketmap checkers within 3–5 s at worst; 10 s keeps a stall a stall there.
   */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  /**
   * Time between a reply and the next request. An MTA does not ask in a tight loop; one that did
   * would take a core of this 2-core budget from the daemon and the hostile clients.
   */
  private static final Duration THINK_TIME = Duration.ofMillis(2);

  final AtomicLong stalls = new AtomicLong();
  private final SoakProtocol protocol;
  private final ConcurrentLinkedQueue<Long> latencyNanos = new ConcurrentLinkedQueue<>();

  WellBehavedClient(String kind, InetSocketAddress daemon, SoakProtocol protocol) {
    super(kind, daemon, 1);
    this.protocol = protocol;
  }

  @Override
  boolean isChecker() {
    return true;
  }

  @Override
  protected void session(int worker) throws IOException {
    SoakProtocol.Conversation client = track(protocol.open(daemon, PATIENCE));
    try {
      while (!stopping()) {
        int n = ThreadLocalRandom.current().nextInt(2 * KvTable.ROWS);
        long start = System.nanoTime();
        requests.incrementAndGet();
        Object reply;
        try {
          reply = client.ask(KvTable.key(n));
        } catch (SocketTimeoutException e) {
          if (!stopping()) {
            stalls.incrementAndGet();
          }
          throw e; // the connection is out of step now: start a new one
        }
        latencyNanos.add(System.nanoTime() - start);
        if (reply.equals(protocol.expected(n))) {
          expected.incrementAndGet();
        } else {
          wrong(KvTable.key(n) + " -> " + reply);
        }
        pause(THINK_TIME);
      }
    } finally {
      untrack(client);
    }
  }

  /** Latency percentiles of the replies that came, in milliseconds. */
  String latencies() {
    long[] sorted = latencyNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return "no replies";
    }
    return String.format(
        "p50 %.1f ms, p99 %.1f ms, max %.1f ms",
        percentile(sorted, 0.50), percentile(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
  }

  private static double percentile(long[] sorted, double p) {
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  @Override
  protected String details() {
    return ", stalls " + stalls.get() + ", " + latencies();
  }
}
