package io.sockmapd.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.PolicyDecision;

/**
 * What the daemon reports as it works: the one seam between the code that counts and the registry
 * that exports. Every method has a no-op default, so {@link #NONE} (commands other than {@code
 * run}, tests) costs nothing and a part of the code can count before its exporter exists.
 *
 * <p>Implementations are called on event loops and database threads: they must be thread-safe, fast
 * and never block. Labels stay low in cardinality: a map, a database, a node or a reason from a
 * fixed list, never a key or a client address.
 */
public interface DaemonMetrics {

  /** Reports nothing. */
  DaemonMetrics NONE = new DaemonMetrics() {};

  /** A request was handed to a map (counted in flight until {@link #lookupFinished}). */
  default void lookupStarted() {}

  /**
   * A request was answered.
   *
   * @param map the map name the client sent (an implementation must not trust it as a label: a
   *     client can send any name)
   * @param nanos from {@link #lookupStarted()} to the outcome
   */
  default void lookupFinished(String map, SocketmapStatus status, long nanos) {}

  /** A connection or a lookup was refused, for the given limit. */
  default void rejected(Rejection reason) {}

  /**
   * A policy request started with {@link #lookupStarted()} was answered after {@code nanos}, with
   * an action reached as {@code outcome} says.
   */
  default void policyFinished(String policy, PolicyDecision.Outcome outcome, long nanos) {}

  /** A client broke the protocol. */
  default void protocolViolation(ProtocolViolation kind) {}

  /** A reply was over {@code max_reply_size} and went out as {@code TEMP reply too large}. */
  default void replyTooLarge(String map) {}

  /** A throttled log line was held back; {@code log} names which one (a fixed word). */
  default void logSuppressed(String log) {}

  /** A database node was taken out of the rotation. */
  default void nodeDown(String database, String node) {}

  /** A database node answered its probe and is back in the rotation. */
  default void nodeUp(String database, String node) {}

  /**
   * A reload swapped in {@code config}: an exporter makes the meters of the maps and databases it
   * adds and drops those of the ones it removes.
   */
  default void reconfigured(SockmapdConfig config) {}

  /** A map's cache was built; an exporter reads its statistics from then on. */
  default void cacheCreated(String map, Cache<?, ?> cache) {}

  /** A cache answered from an expired entry because the database failed ({@code max_stale}). */
  default void staleAnswer(String map) {}

  /** A map whose cache listens for changes ({@code cache.listen}) started or stopped listening. */
  default void cacheListening(String map, boolean listening) {}

  /** Why a connection or a lookup was refused; the label value is {@link #label()}. */
  enum Rejection {
    /** {@code limits.max_connections}: the connection was closed as soon as it was accepted. */
    MAX_CONNECTIONS("max_connections"),
    /** {@code max_connections_per_client}. */
    MAX_CONNECTIONS_PER_CLIENT("max_connections_per_client"),
    /** A database's {@code max_in_flight}: the lookup was answered {@code TEMP} at once. */
    MAX_IN_FLIGHT("max_in_flight"),
    /** A listener's {@code allow} list: the connection was closed. */
    ALLOW_LIST("allow_list"),
    /** {@code admin_allow}: an HTTP client of the admin listener was disconnected. */
    ADMIN_ALLOW_LIST("admin_allow_list"),
    /** {@code max_buffered_bytes}: the connection holding the most was closed. */
    BACK_PRESSURE("back_pressure");

    private final String label;

    Rejection(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** What a client did wrong; the label value is {@link #label()}. */
  enum ProtocolViolation {
    /** Bytes that are no netstring: the connection was closed without a reply. */
    FRAMING("framing"),
    /** A netstring without "map key" inside: answered {@code PERM}. */
    MALFORMED_REQUEST("malformed_request");

    private final String label;

    ProtocolViolation(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }
}
