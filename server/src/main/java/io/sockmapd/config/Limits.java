package io.sockmapd.config;

import java.time.Duration;

/**
 * Server-wide limits, each checked before memory is committed.
 *
 * @param maxRequestSize largest netstring payload accepted, in bytes (Postfix 3.7 sends keys of
 *     20000 bytes and more; 3.12 caps its own queries at 10000)
 * @param maxReplySize largest reply payload sent, in bytes (Postfix's client limit is 100000)
 * @param maxConnections connections held at once; further ones are closed at accept
 * @param maxPendingRequests requests one connection may have outstanding (pipelined) before the
 *     server stops reading from it
 * @param idleTimeout a connection with no request for this long is closed; generous, because
 *     Sendmail does not retry after a server-side close and Postfix closes its own after 10 s
 */
public record Limits(
    int maxRequestSize,
    int maxReplySize,
    int maxConnections,
    int maxPendingRequests,
    Duration idleTimeout) {

  public static final int DEFAULT_MAX_REQUEST_SIZE = 100_000;
  public static final int DEFAULT_MAX_REPLY_SIZE = 100_000;
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int DEFAULT_MAX_PENDING_REQUESTS = 32;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

  public static Limits defaults() {
    return new Limits(
        DEFAULT_MAX_REQUEST_SIZE,
        DEFAULT_MAX_REPLY_SIZE,
        DEFAULT_MAX_CONNECTIONS,
        DEFAULT_MAX_PENDING_REQUESTS,
        DEFAULT_IDLE_TIMEOUT);
  }
}
