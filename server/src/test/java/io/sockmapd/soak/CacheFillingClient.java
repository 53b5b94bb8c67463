package io.sockmapd.soak;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.net.BlockingSocketmapClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks a cached map for keys it has never seen, each {@link #KEY_BYTES} long, so every answer is a
 * new cache entry. The keys are not in the table: every answer must be {@code NOTFOUND}. Requests
 * go {@link #WINDOW} at a time, as a busy MTA's pipelining would send them.
 */
final class CacheFillingClient extends SoakClient {
  static final int KEY_BYTES = 2000;
  private static final int WINDOW = 16;
  private static final AtomicLong NEXT_KEY = new AtomicLong();

  private final String map;

  CacheFillingClient(InetSocketAddress daemon, int threads, String map) {
    super("cache-filler", daemon, threads);
    this.map = map;
  }

  @Override
  protected void session(int worker) throws IOException {
    BlockingSocketmapClient client =
        track(BlockingSocketmapClient.connect(daemon, Duration.ofSeconds(30)));
    try {
      while (!stopping()) {
        for (int i = 0; i < WINDOW; i++) {
          client.writeRequest(map, key(NEXT_KEY.getAndIncrement()));
        }
        requests.addAndGet(WINDOW);
        for (int i = 0; i < WINDOW; i++) {
          SocketmapResponse reply = client.readReply();
          if (reply.equals(SocketmapResponse.notFound())) {
            expected.incrementAndGet();
          } else {
            wrong(reply.toString());
          }
        }
      }
    } finally {
      untrack(client);
    }
  }

  private static String key(long n) {
    StringBuilder key = new StringBuilder(KEY_BYTES).append("fill-").append(n).append('-');
    while (key.length() < KEY_BYTES) {
      key.append('f');
    }
    return key.toString();
  }

  @Override
  protected String details() {
    return ", " + expected.get() * KEY_BYTES / (1024 * 1024) + " MB of distinct keys answered";
  }
}
