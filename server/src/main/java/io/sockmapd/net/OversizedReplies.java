package io.sockmapd.net;

import io.sockmapd.log.LogThrottle;
import io.sockmapd.metrics.DaemonMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Makes the replies over {@code max_reply_size} visible. The encoder replaces such a reply with
 * {@code TEMP reply too large} on its own, so without this the client defers mail and the daemon
 * neither logs nor counts why. Shared by every connection of a server: the WARN is throttled
 * daemon-wide. Thread-safe.
 */
final class OversizedReplies {
  private static final Logger LOG = LogManager.getLogger(OversizedReplies.class);

  /** What the encoder writes in place of an over-long reply, for the debug line. */
  static final String REPLACEMENT = "TEMP reply too large";

  private final int maxReplySize;
  private final LogThrottle log;
  private final AtomicLong count = new AtomicLong();
  private final DaemonMetrics metrics;

  OversizedReplies(int maxReplySize) {
    this(maxReplySize, DaemonMetrics.NONE);
  }

  OversizedReplies(int maxReplySize, DaemonMetrics metrics) {
    this.maxReplySize = maxReplySize;
    this.metrics = metrics;
    this.log = new LogThrottle(Duration.ofSeconds(10), "reply_too_large", metrics);
  }

  /** {@code limits.max_reply_size}: the largest payload the encoder writes. */
  int maxReplySize() {
    return maxReplySize;
  }

  /**
   * Returns whether the encoder will replace a reply of {@code size} bytes, measured as {@code
   * protocol} measures it; if so, counts it and logs a WARN (throttled) naming the map and the
   * size.
   */
  boolean check(String mapName, int size, LookupProtocol protocol) {
    int limit = protocol.maxReplySize();
    if (size <= limit) {
      return false;
    }
    count.incrementAndGet();
    metrics.replyTooLarge(mapName);
    long suppressed = log.tryAcquire();
    if (suppressed >= 0) {
      LOG.warn(
          "map {}: reply of {} bytes is over {} ({}), answered {}{}",
          mapName,
          size,
          protocol instanceof LookupProtocol.TcpTable
              ? "Postfix's tcp_table limit"
              : "max_reply_size",
          limit,
          protocol instanceof LookupProtocol.TcpTable ? "400 reply too large" : REPLACEMENT,
          suppressed > 0 ? " (" + suppressed + " similar not logged)" : "");
    }
    return true;
  }

  /** How many replies were replaced since the server started. */
  long count() {
    return count.get();
  }
}
