package io.sockmapd.sql.cluster;

import io.sockmapd.config.HostAndPort;
import io.vertx.sqlclient.Pool;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The health state of one database node and the pool that serves it while it is up. A node that
 * goes down loses its pool (so its stuck connections go with it); a successful probe brings it back
 * with the probe's fresh pool. Every transition happens under the node's lock and reports whether
 * this caller made it, so each change is logged exactly once however many lookups saw it.
 */
final class ClusterNode {
  final HostAndPort address;

  private @Nullable Pool pool;
  private boolean probing;
  private boolean closed;
  private long downCount;

  /** What to do for each query running on the current pool if the node goes down. */
  private final Set<Runnable> runningQueries = new HashSet<>();

  ClusterNode(HostAndPort address, Pool pool) {
    this.address = address;
    this.pool = pool;
  }

  /** The pool to use, or null while the node is down (or the cluster closed). */
  synchronized @Nullable Pool poolIfUp() {
    return pool;
  }

  synchronized boolean isUp() {
    return pool != null;
  }

  /**
   * Takes the node out of the rotation if {@code failedPool} is still its pool. A failure seen on
   * an older pool (already replaced or closed) says nothing about the node now.
   *
   * @return null if the node was not taken down by this call; otherwise the abandon actions of the
   *     queries still running on {@code failedPool}, which the caller runs and then closes the pool
   */
  synchronized @Nullable List<Runnable> markDown(Pool failedPool) {
    if (closed || pool != failedPool) {
      return null;
    }
    pool = null;
    downCount++;
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
  synchronized boolean queryStarted(Pool queryPool, Runnable abandon) {
    if (pool != queryPool) {
      return false;
    }
    runningQueries.add(abandon);
    return true;
  }

  synchronized void queryEnded(Runnable abandon) {
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
  synchronized boolean probeSucceeded(Pool probePool) {
    probing = false;
    if (closed || pool != null) {
      return false;
    }
    pool = probePool;
    return true;
  }

  synchronized void probeFailed() {
    probing = false;
  }

  /** Marks the node closed for good and hands back its pool, if any, for closing. */
  synchronized @Nullable Pool close() {
    closed = true;
    Pool current = pool;
    pool = null;
    return current;
  }

  synchronized boolean isClosed() {
    return closed;
  }
}
