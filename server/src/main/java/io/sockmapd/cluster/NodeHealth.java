package io.sockmapd.cluster;

import io.sockmapd.config.HostAndPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The health of a cluster's nodes, apart from any one lookup: which nodes are up, the rotation over
 * them, taking a node down (logged once, heard by the {@link NodeStateListener}), and the probes
 * that bring it back.
 *
 * <ul>
 *   <li>A node that goes down loses its pool (retired in the background with a time limit), which
 *       evicts connections stuck on a hung node.
 *   <li>A probe (the engine's, on a fresh client, bounded by {@code connect_timeout}) runs when
 *       {@code retry_interval} has passed, or within a second while no node is up (see {@link
 *       ProbePace}); when it answers, its pool becomes the node's pool and the node is back.
 *   <li>A node that is up but {@linkplain #suspect suspected} (a lookup got no connection or no
 *       answer in time) is probed at once: a probe that fails takes it down, one that answers
 *       leaves it up, so a slow query or a busy pool takes no node down.
 * </ul>
 *
 * <p>The engine supplies the per-node clients and the wording of failures ({@link NodeClients});
 * the SQL cluster (pools, {@code SELECT 1}) and the HTTP backend (web clients, any HTTP answer)
 * share everything else.
 *
 * <p>Thread safety: called from lookups on any thread and from timers on Vert.x threads; each
 * node's state is guarded by its {@link ClusterNode}.
 *
 * @param <C> the engine's per-node client
 */
public final class NodeHealth<C> {
  private final Logger log;
  private final Vertx vertx;
  private final String name;
  private final NodeClients<C> clients;
  private final NodeStateListener listener;
  private final List<ClusterNode<C>> nodes;
  private final long connectTimeoutMillis;
  private final ProbePace probePace;
  private final AtomicLong rotation = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final RetiredClients<C> retired;

  /**
   * @param log where node state changes are logged (the engine's executor, whose name operators'
   *     log filters know)
   * @param name the database's name, as logs and the listener give it
   * @param hosts the nodes, in rotation order
   * @param connectTimeout bounds each probe
   * @param retryInterval how long a down node is left alone while another answers
   */
  public NodeHealth(
      Logger log,
      Vertx vertx,
      String name,
      List<HostAndPort> hosts,
      Duration connectTimeout,
      Duration retryInterval,
      NodeClients<C> clients,
      NodeStateListener listener) {
    this.log = log;
    this.vertx = vertx;
    this.name = name;
    this.clients = clients;
    this.listener = listener;
    this.connectTimeoutMillis = Math.max(1, connectTimeout.toMillis());
    this.probePace = new ProbePace(Math.max(1, retryInterval.toMillis()));
    this.retired = new RetiredClients<>(clients::close);
    List<ClusterNode<C>> built = new ArrayList<>();
    for (HostAndPort host : hosts) {
      built.add(new ClusterNode<>(host, clients.create(host)));
    }
    this.nodes = List.copyOf(built);
  }

  public int size() {
    return nodes.size();
  }

  public int nodesUp() {
    return (int) nodes.stream().filter(ClusterNode::isUp).count();
  }

  /** A node and the client it had when it was picked. */
  public record Picked<C>(int index, ClusterNode<C> node, C pool) {}

  /** The next node in the rotation that is up and not yet {@code tried} by a lookup. */
  public @Nullable Picked<C> pick(boolean[] tried) {
    List<Picked<C>> candidates = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      C pool = tried[i] ? null : nodes.get(i).poolIfUp();
      if (pool != null) {
        candidates.add(new Picked<>(i, nodes.get(i), pool));
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    return candidates.get(Math.floorMod(rotation.getAndIncrement(), candidates.size()));
  }

  /**
   * Takes a node down after a connection-level failure on {@code pool}; logs once per change: a TLS
   * failure at ERROR, since it needs the operator, anything else at WARN.
   */
  public void nodeFailed(ClusterNode<C> node, C pool, Throwable cause) {
    nodeFailed(node, pool, clients.describe(cause), clients.tlsProblem(cause), cause);
  }

  private void nodeFailed(
      ClusterNode<C> node, C pool, String reason, @Nullable String tls, @Nullable Throwable cause) {
    List<Runnable> abandoned = node.markDown(pool, tls == null ? null : cause);
    if (abandoned == null) {
      return; // already down, or the failure came from a pool the node no longer uses
    }
    if (tls != null) {
      log.error(
          "database {} node {} down: TLS failed ({}): {}",
          name,
          node.address(),
          clients.tlsSettings(),
          tls);
    } else {
      log.warn("database {} node {} down: {}", name, node.address(), reason);
    }
    listener.nodeDown(name, node.address(), reason);
    abandoned.forEach(Runnable::run);
    retired.retire(pool);
    scheduleProbe(node, node.downCount());
    if (nodesUp() == 0) {
      // The last node just went: the others' probes, planned for retry_interval while this one
      // still answered, now come at the fast pace.
      for (ClusterNode<C> other : nodes) {
        if (other != node && !other.isUp()) {
          scheduleProbe(other, other.downCount());
        }
      }
    }
  }

  /** A lookup saw a node that is up not answer in time: probe it now. */
  public void suspect(ClusterNode<C> node) {
    if (node.isUp()) {
      probe(node);
    }
  }

  /** Plans the next probe of a down node at the {@link ProbePace} the cluster's state calls for. */
  private void scheduleProbe(ClusterNode<C> node, long downCount) {
    scheduleProbe(
        node,
        downCount,
        probePace.delayMillis(node.failedProbes(), nodesUp() > 0, node.tlsFailure() != null));
  }

  /**
   * Probes a down node after {@code delayMillis}, for as long as it stays in the same down period
   * and no newer schedule replaced this one. If another probe of the node is still running then,
   * looks again one probe time later.
   */
  private void scheduleProbe(ClusterNode<C> node, long downCount, long delayMillis) {
    if (closed.get()) {
      return;
    }
    long schedule = node.newProbeSchedule();
    vertx.setTimer(
        delayMillis,
        id -> {
          if (!closed.get()
              && node.isCurrentSchedule(schedule)
              && node.isDownIn(downCount)
              && !probe(node)) {
            scheduleProbe(node, downCount, connectTimeoutMillis);
          }
        });
  }

  /**
   * Runs the engine's probe on a fresh client for {@code node}, bounded by {@code connect_timeout},
   * so a connection stuck in the old pool can't fool it. A node that is down comes back with that
   * pool; a node that is up but suspected goes down when the probe fails.
   *
   * @return false if another probe of this node is running (at most one at a time)
   */
  private boolean probe(ClusterNode<C> node) {
    if (closed.get() || !node.startProbe()) {
      return false;
    }
    C suspectPool = node.poolIfUp();
    long downCount = node.downCount();
    C fresh;
    try {
      fresh = clients.create(node.address());
    } catch (RuntimeException e) {
      probeFailed(node, null, suspectPool, downCount, "cannot build a probe client: " + e, null);
      return true;
    }
    AtomicBoolean settled = new AtomicBoolean();
    long timer =
        vertx.setTimer(
            connectTimeoutMillis,
            id -> {
              if (settled.compareAndSet(false, true)) {
                probeFailed(
                    node,
                    fresh,
                    suspectPool,
                    downCount,
                    "probe got no answer within " + connectTimeoutMillis + " ms",
                    null);
              }
            });
    Future<?> probe;
    try {
      probe = clients.probe(node.address(), fresh);
    } catch (RuntimeException e) {
      probe = Future.failedFuture(e);
    }
    probe.onComplete(
        ar -> {
          if (!settled.compareAndSet(false, true)) {
            return;
          }
          vertx.cancelTimer(timer);
          if (ar.failed()) {
            probeFailed(
                node,
                fresh,
                suspectPool,
                downCount,
                "probe failed: " + clients.describe(ar.cause()),
                ar.cause());
          } else if (node.probeSucceeded(fresh)) {
            log.info("database {} node {} back up", name, node.address());
            listener.nodeUp(name, node.address());
          } else {
            retired.retire(fresh);
          }
        });
    return true;
  }

  private void probeFailed(
      ClusterNode<C> node,
      @Nullable C probePool,
      @Nullable C suspectPool,
      long downCount,
      String reason,
      @Nullable Throwable cause) {
    String tls = cause == null ? null : clients.tlsProblem(cause);
    node.probeFailed(tls == null ? null : cause);
    if (probePool != null) {
      retired.retire(probePool);
    }
    if (suspectPool != null) {
      nodeFailed(node, suspectPool, reason, tls, cause);
    } else if (node.isDownIn(downCount)) {
      log.debug("database {} node {} still down: {}", name, node.address(), reason);
      scheduleProbe(node, downCount);
    }
  }

  /** Stops the probes and closes every pool, the retired ones included; the caller bounds it. */
  public List<Future<Void>> close() {
    closed.set(true);
    List<Future<Void>> closing = new ArrayList<>();
    for (ClusterNode<C> node : nodes) {
      C pool = node.close();
      if (pool != null) {
        closing.add(clients.close(pool));
      }
    }
    closing.addAll(retired.closeAgain());
    return closing;
  }
}
