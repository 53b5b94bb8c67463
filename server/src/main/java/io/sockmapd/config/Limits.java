package io.sockmapd.config;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.sockmapd.config.schema.LimitKeys;
import java.lang.management.ManagementFactory;
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
 * @param maxBufferedBytes bytes all connections together may hold in half-received requests and in
 *     replies not yet sent; over it, the connection holding the most is closed
 * @param maxInFlightPerClient lookups one client may have running at once over all its connections;
 *     {@link #FAIR_SHARE} (0) for a share that follows the number of busy clients
 * @param maxConnectionsPerClient connections one client (one IP address) may hold at once, so that
 *     no client can take all of {@code maxConnections}; {@link #UNLIMITED} (0) for no limit but
 *     that one. Unix-socket peers are not counted
 */
public record Limits(
    int maxRequestSize,
    int maxReplySize,
    int maxConnections,
    int maxPendingRequests,
    Duration idleTimeout,
    long maxBufferedBytes,
    int maxInFlightPerClient,
    int maxConnectionsPerClient) {

  // The defaults are the schema's (LimitKeys), named here for the code that builds limits itself.
  public static final int DEFAULT_MAX_REQUEST_SIZE = LimitKeys.MAX_REQUEST_SIZE.defaultValue();
  public static final int DEFAULT_MAX_REPLY_SIZE = LimitKeys.MAX_REPLY_SIZE.defaultValue();
  public static final int DEFAULT_MAX_CONNECTIONS = LimitKeys.MAX_CONNECTIONS.defaultValue();
  public static final int DEFAULT_MAX_PENDING_REQUESTS =
      LimitKeys.MAX_PENDING_REQUESTS.defaultValue();
  public static final Duration DEFAULT_IDLE_TIMEOUT = LimitKeys.IDLE_TIMEOUT.defaultValue();

  /** {@code max_in_flight_per_client} value for the automatic fair share (the default). */
  public static final int FAIR_SHARE = LimitKeys.MAX_IN_FLIGHT_PER_CLIENT.defaultValue();

  /** {@code max_connections_per_client} value for no limit per client (the default). */
  public static final int UNLIMITED = 0;

  /** Never less than this for {@code max_buffered_bytes}: ten requests of the largest default. */
  static final long MIN_MAX_BUFFERED_BYTES = 1_000_000;

  public static Limits defaults() {
    return new Limits(
        DEFAULT_MAX_REQUEST_SIZE,
        DEFAULT_MAX_REPLY_SIZE,
        DEFAULT_MAX_CONNECTIONS,
        DEFAULT_MAX_PENDING_REQUESTS,
        DEFAULT_IDLE_TIMEOUT,
        defaultMaxBufferedBytes(),
        FAIR_SHARE,
        UNLIMITED);
  }

  /** This limit set with another {@code max_buffered_bytes}. */
  public Limits withMaxBufferedBytes(long bytes) {
    return new Limits(
        maxRequestSize,
        maxReplySize,
        maxConnections,
        maxPendingRequests,
        idleTimeout,
        bytes,
        maxInFlightPerClient,
        maxConnectionsPerClient);
  }

  /** This limit set with another {@code max_connections_per_client}. */
  public Limits withMaxConnectionsPerClient(int connections) {
    return new Limits(
        maxRequestSize,
        maxReplySize,
        maxConnections,
        maxPendingRequests,
        idleTimeout,
        maxBufferedBytes,
        maxInFlightPerClient,
        connections);
  }

  /**
   * A quarter of the smaller of the JVM's heap and direct-memory limits (request and reply bytes
   * live in direct buffers, or on the heap when direct ones are unavailable), so that clients can
   * never take more than that and the rest is left for the caches, the database clients and Netty's
   * pools. With {@code -Xmx64m}: 16 MB.
   */
  public static long defaultMaxBufferedBytes() {
    long heap = Runtime.getRuntime().maxMemory();
    return Math.max(MIN_MAX_BUFFERED_BYTES, Math.min(heap, maxDirectMemory(heap)) / 4);
  }

  /** {@code -XX:MaxDirectMemorySize}, which defaults to the heap limit when unset (0). */
  private static long maxDirectMemory(long heap) {
    try {
      String value =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
              .getVMOption("MaxDirectMemorySize")
              .getValue();
      long direct = Long.parseLong(value);
      return direct > 0 ? direct : heap;
    } catch (RuntimeException | LinkageError e) {
      return heap; // not a HotSpot JVM: assume the default
    }
  }
}
