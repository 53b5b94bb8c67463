package io.sockmapd.soak;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.net.BlockingSocketmapClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Asks the same expensive question again and again, one at a time on each of its threads: a key
 * whose result is huge, or a query that outlives its deadline. Only the replies {@code allowed}
 * accepts may come back. {@code patience} is generous: this client measures the answers, not the
 * speed.
 */
final class RepeatingClient extends SoakClient {
  /** After an unexpected answer, which may come at once: as an MTA, wait a little. */
  private static final Duration RETRY_PAUSE = Duration.ofMillis(10);

  private final String map;
  private final String key;
  private final Predicate<SocketmapResponse> allowed;
  private final Duration patience;

  RepeatingClient(
      String kind,
      InetSocketAddress daemon,
      int threads,
      String map,
      String key,
      Predicate<SocketmapResponse> allowed,
      Duration patience) {
    super(kind, daemon, threads);
    this.map = map;
    this.key = key;
    this.allowed = allowed;
    this.patience = patience;
  }

  @Override
  protected void session(int worker) throws IOException {
    BlockingSocketmapClient client = track(BlockingSocketmapClient.connect(daemon, patience));
    try {
      while (!stopping()) {
        requests.incrementAndGet();
        SocketmapResponse reply = client.query(map, key);
        if (allowed.test(reply)) {
          expected.incrementAndGet();
        } else {
          wrong(abbreviated(reply));
          pause(RETRY_PAUSE);
        }
      }
    } finally {
      untrack(client);
    }
  }

  private static String abbreviated(SocketmapResponse reply) {
    String text = reply.toString();
    return text.length() <= 120 ? text : text.substring(0, 120) + "... (" + text.length() + ")";
  }
}
