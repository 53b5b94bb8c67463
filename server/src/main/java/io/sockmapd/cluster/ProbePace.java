package io.sockmapd.cluster;

import java.time.Duration;

/**
 * When a down node is probed next. While another node is up, lookups are being answered and a down
 * node is left alone for {@code retry_interval} (Postfix's dead-host timer): no point hammering a
 * node that is being repaired. While <em>no</em> node is up, every lookup fails with {@code TEMP}
 * and each second of waiting defers mail, so the nodes are probed {@link #FIRST_FAST} after they
 * failed and then every {@link #MAX_FAST} at most: lookups are back about a second after the
 * database returns, at the cost of one connection attempt per node and second during the outage.
 */
final class ProbePace {
  static final Duration FIRST_FAST = Duration.ofMillis(500);
  static final Duration MAX_FAST = Duration.ofSeconds(1);

  private final long retryIntervalMillis;

  ProbePace(long retryIntervalMillis) {
    this.retryIntervalMillis = retryIntervalMillis;
  }

  /**
   * Milliseconds until the next probe of a down node.
   *
   * @param failedProbes probes of this node that failed since it went down
   * @param anyNodeUp whether another node answers lookups meanwhile
   * @param tlsFailure whether the node failed on TLS: a certificate or setting to fix, which
   *     probing every second would not fix sooner, only log more about
   */
  long delayMillis(int failedProbes, boolean anyNodeUp, boolean tlsFailure) {
    if (anyNodeUp || tlsFailure) {
      return retryIntervalMillis;
    }
    // 0.5 s, then 1 s: doubling, bounded; never slower than the configured retry_interval.
    long fast = FIRST_FAST.toMillis() << Math.min(failedProbes, 4);
    return Math.min(retryIntervalMillis, Math.min(fast, MAX_FAST.toMillis()));
  }
}
