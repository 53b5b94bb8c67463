package io.sockmapd.cluster;

import io.sockmapd.config.HostAndPort;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The health state of one cluster node and the client (a SQL pool, an HTTP client) that serves it
 * while it is up. A node that goes down loses its pool (so its stuck connections go with it); a
 * successful probe brings it back with the probe's fresh pool. Every transition happens under the
 * node's lock and reports whether this caller made it, so each change is logged exactly once
 * however many lookups saw it.
 */
public final class ClusterNode<C> {
  private final HostAndPort address;

  private @Nullable C pool;
  private boolean probing;
  private boolean closed;
  private long downCount;
  private int failedProbes;
  private @Nullable Throwable tlsFailure;
  private long probeSchedule;

  /** What to do for each query running on the current pool if the node goes down. */
  private final Set<Runnable> runningQueries = new HashSet<>();

  ClusterNode(HostAndPort address, C pool) {
    this.address = address;
    this.pool = pool;
  }

  public HostAndPort address() {
    return address;
  }

  /** The pool to use, or null while the node is down (or the cluster closed). */
  public synchronized @Nullable C poolIfUp() {
    return pool;
  }

  public synchronized boolean isUp() {
    return pool != null;
  }

  /**
   * Takes the node out of the rotation if {@code failedPool} is still its pool. A failure seen on
   * an older pool (already replaced or closed) says nothing about the node now.
   *
   * @return null if the node was not taken down by this call; otherwise the abandon actions of the
   *     queries still running on {@code failedPool}, which the caller runs and then closes the pool
   */
  synchronized @Nullable List<Runnable> markDown(C failedPool, @Nullable Throwable tlsFailure) {
    if (closed || pool != failedPool) {
      return null;
    }
    pool = null;
    downCount++;
    failedProbes = 0;
    this.tlsFailure = tlsFailure;
    List<Runnable> abandoned = List.copyOf(runningQueries);
    runningQueries.clear();
    return abandoned;
  }

  /**
   * Registers a query running on {@code queryPool}, to be abandoned if the node goes down (a hung
   * node's queries may never answer, and closing a pool does not always fail them).
   *
   * @return false if {@code queryPool} is no longer the node's pool (the node went down already)
   */
  public synchronized boolean queryStarted(C queryPool, Runnable abandon) {
    if (pool != queryPool) {
      return false;
    }
    runningQueries.add(abandon);
    return true;
  }

  public synchronized void queryEnded(Runnable abandon) {
    runningQueries.remove(abandon);
  }

  /** Identifies the current down period; probes scheduled for an older one stop. */
  synchronized long downCount() {
    return downCount;
  }

  /** Whether the node is still in the down period {@code count} (not back up, not closed). */
  synchronized boolean isDownIn(long count) {
    return pool == null && !closed && downCount == count;
  }

  /** Claims the single probe slot of this node; false if a probe is already running. */
  synchronized boolean startProbe() {
    if (closed || probing) {
      return false;
    }
    probing = true;
    return true;
  }

  /**
   * Ends a successful probe. A node that was down takes the probe's pool and is up again.
   *
   * @return true if this call brought the node back up (the pool now belongs to the node); false if
   *     the caller must close {@code probePool} (the node was up anyway, or the cluster closed)
   */
  synchronized boolean probeSucceeded(C probePool) {
    probing = false;
    if (closed || pool != null) {
      return false;
    }
    pool = probePool;
    return true;
  }

  /**
   * Ends a failed probe.
   *
   * @param tlsFailure the driver's failure if it failed on TLS, which sets the pace of the next
   *     probe; null otherwise
   */
  synchronized void probeFailed(@Nullable Throwable tlsFailure) {
    probing = false;
    if (pool == null) {
      failedProbes++;
      this.tlsFailure = tlsFailure;
    }
  }

  /**
   * The TLS failure that keeps this node down (a configuration problem, not an outage), or null if
   * the node is up or down for another reason.
   */
  public synchronized @Nullable Throwable tlsFailure() {
    return pool == null ? tlsFailure : null;
  }

  /** Probes of this node that failed since it last went down; sets the pace of the next one. */
  synchronized int failedProbes() {
    return failedProbes;
  }

  /**
   * Starts a new probe schedule for this node and returns its token. Only the newest schedule is
   * {@linkplain #isCurrentSchedule current}: when every node goes down, a probe planned for {@code
   * retry_interval} is replaced by a sooner one without a second chain of timers.
   */
  synchronized long newProbeSchedule() {
    return ++probeSchedule;
  }

  synchronized boolean isCurrentSchedule(long token) {
    return probeSchedule == token;
  }

  /** Marks the node closed for good and hands back its pool, if any, for closing. */
  synchronized @Nullable C close() {
    closed = true;
    C current = pool;
    pool = null;
    return current;
  }
}
