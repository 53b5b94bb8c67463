package io.sockmapd.sql.cluster;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.BatchSettings;
import io.sockmapd.sql.LookupFailure;
import io.sockmapd.sql.PgParameterTypes;
import io.sockmapd.sql.SqlExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SqlExecutor} over a cluster of equivalent nodes (replicas, or a primary and its
 * standbys: lookups only read), with our own failover instead of the Vert.x pool's host list, which
 * spreads new connections but fails requests on a dead host and lets a hung host keep pool slots
 * for ever.
 *
 * <ul>
 *   <li>One pool per node. Lookups go round-robin over the nodes that are up.
 *   <li>A connection-level failure (refused, reset, closed, TLS or login failure) takes the node
 *       down for {@code retry_interval} and the same lookup is retried on the next node that is up.
 *       No connection within {@code connect_timeout} moves the lookup on and gets the node probed:
 *       a hung node goes down, a merely busy one stays. An error of the query itself is returned as
 *       is.
 *   <li>One deadline ({@code lookup_timeout}) covers acquisition, query and retries. Acquiring a
 *       connection on one node may take at most {@code connect_timeout}, so a hung node leaves time
 *       to try another. Whatever answers after the deadline is dropped: the returned future
 *       completes exactly once.
 *   <li>A node that goes down loses its pool (closed in the background with a time limit), which
 *       evicts connections stuck on a hung node. A probe ({@code SELECT 1} on a fresh pool, bounded
 *       by {@code connect_timeout}) runs when {@code retry_interval} has passed; when it answers,
 *       its pool becomes the node's pool and the node is back. A lookup that runs into its deadline
 *       during a query also triggers a probe, which tells a slow query (probe answers) from a node
 *       that stopped answering (probe fails: node down).
 *   <li>With every node down a lookup fails at once ({@code TEMP}); nothing waits on a dead node.
 * </ul>
 *
 * <p>Thread safety: lookups start on any thread; pool callbacks and timers run on Vert.x threads.
 * Node state is guarded by each {@link ClusterNode}; a lookup's own steps run one after another.
 */
public final class ClusterExecutor implements SqlExecutor {
  private static final Logger LOG = LogManager.getLogger(ClusterExecutor.class);
  private static final String PROBE_SQL = "SELECT 1";

  private final Vertx vertx;
  private final String name;
  private final NodePoolFactory poolFactory;
  private final NodeStateListener listener;
  private final List<ClusterNode> nodes;
  private final long lookupTimeoutMillis;
  private final long connectTimeoutMillis;
  private final long retryIntervalMillis;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final @Nullable BatchSettings batchSettings;
  private final AtomicLong rotation = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<Pool> retiredPools = new ArrayList<>();

  /**
   * @param poolFactory builds a fresh pool for one node (at start and for each probe)
   * @param listener hears each node state change once
   */
  public ClusterExecutor(
      Vertx vertx,
      DatabaseConfig database,
      NodePoolFactory poolFactory,
      NodeStateListener listener) {
    if (database.hosts().isEmpty()) {
      throw new IllegalArgumentException("database " + database.name() + " has no hosts");
    }
    this.vertx = vertx;
    this.name = database.name();
    this.poolFactory = poolFactory;
    this.listener = listener;
    this.lookupTimeoutMillis = Math.max(1, database.lookupTimeout().toMillis());
    this.connectTimeoutMillis = Math.max(1, database.connectTimeout().toMillis());
    this.retryIntervalMillis = Math.max(1, database.retryInterval().toMillis());
    this.maxInFlight = database.maxInFlight();
    this.batchSettings = BatchSettings.of(vertx, database);
    List<ClusterNode> built = new ArrayList<>();
    for (HostAndPort host : database.hosts()) {
      built.add(new ClusterNode(host, poolFactory.create(host)));
    }
    this.nodes = List.copyOf(built);
  }

  @Override
  public String databaseName() {
    return name;
  }

  @Override
  public Future<RowSet<Row>> execute(String sql, Tuple params) {
    return run(connection -> connection.preparedQuery(sql).execute(params));
  }

  @Override
  public @Nullable BatchSettings batchSettings() {
    return batchSettings;
  }

  @Override
  public Future<List<String>> parameterTypes(String sql) {
    return run(connection -> PgParameterTypes.describe(connection, sql));
  }

  @Override
  public Future<Void> prepare(String sql) {
    return run(connection -> connection.prepare(sql).compose(statement -> statement.close()));
  }

  /** How many nodes are in the rotation now; for tests, checks and metrics. */
  public int nodesUp() {
    return (int) nodes.stream().filter(ClusterNode::isUp).count();
  }

  /** Lookups running now; for tests and metrics. */
  public int inFlight() {
    return inFlight.get();
  }

  private <T> Future<T> run(Function<SqlConnection, Future<T>> work) {
    if (closed.get()) {
      return Future.failedFuture(new LookupFailure(LookupResult.temp("database is closing")));
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return Future.failedFuture(LookupFailure.busy());
    }
    Lookup<T> lookup = new Lookup<>(work);
    lookup.start();
    return lookup.result.future();
  }

  /**
   * One lookup: its single deadline, the nodes it has tried and the node its query runs on. Steps
   * run one after another (each starts from the previous one's callback), so only {@link
   * #queryNode} is read from another thread (the deadline timer).
   */
  private final class Lookup<T> {
    final Function<SqlConnection, Future<T>> work;
    final Promise<T> result = Promise.promise();
    final long deadlineNanos =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lookupTimeoutMillis);
    final boolean[] tried = new boolean[nodes.size()];
    final AtomicBoolean released = new AtomicBoolean();
    volatile boolean attempting;
    @Nullable String lastNodeFailure;
    volatile @Nullable ClusterNode queryNode;

    Lookup(Function<SqlConnection, Future<T>> work) {
      this.work = work;
    }

    void start() {
      long timer = vertx.setTimer(lookupTimeoutMillis, id -> deadlinePassed());
      result
          .future()
          .onComplete(
              ar -> {
                vertx.cancelTimer(timer);
                releaseIfIdle();
              });
      tryNextNode();
    }

    /**
     * Gives the in-flight slot back once the lookup is answered and no attempt is running: a query
     * that outlives the deadline keeps its slot until the database (or the node's closing pool)
     * ends it, so {@code max_in_flight} bounds the work the databases really do.
     */
    private void releaseIfIdle() {
      if (!attempting && result.future().isComplete() && released.compareAndSet(false, true)) {
        inFlight.decrementAndGet();
      }
    }

    /** The current attempt ended; the lookup either goes on to another node or is done. */
    private void attemptEnded() {
      attempting = false;
      releaseIfIdle();
    }

    private void deadlinePassed() {
      if (result.tryFail(LookupFailure.deadline())) {
        ClusterNode node = queryNode;
        if (node != null) {
          // Slow query or a node that stopped answering? A fresh connection tells.
          suspect(node);
        }
      }
    }

    private long remainingMillis() {
      return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    void tryNextNode() {
      if (result.future().isComplete()) {
        return;
      }
      Picked picked = pick(tried);
      if (picked == null) {
        result.tryFail(noNode(lastNodeFailure));
        return;
      }
      tried[picked.index] = true;
      long remaining = remainingMillis();
      if (remaining <= 0) {
        return; // the deadline timer answers
      }
      attempting = true;
      long acquireMillis = Math.min(connectTimeoutMillis, remaining);
      ClusterNode node = picked.node;
      Pool pool = picked.pool;
      AtomicBoolean settled = new AtomicBoolean();
      long acquireTimer =
          vertx.setTimer(
              acquireMillis,
              id -> {
                if (settled.compareAndSet(false, true)) {
                  noConnectionInTime(node);
                  attemptEnded();
                  tryNextNode();
                }
              });
      pool.getConnection()
          .onComplete(
              ar -> {
                if (!settled.compareAndSet(false, true)) {
                  if (ar.succeeded()) {
                    ar.result().close(); // acquired too late: give it back
                  }
                  return;
                }
                vertx.cancelTimer(acquireTimer);
                if (ar.succeeded()) {
                  query(node, pool, ar.result());
                  return;
                }
                attemptEnded();
                if (NodeFailures.isAcquireTimeout(ar.cause())) {
                  noConnectionInTime(node); // the pool's own wait limit, same as our timer
                } else if (NodeFailures.isNodeFailureOnAcquire(ar.cause())) {
                  nodeFailed(node, pool, NodeFailures.describe(ar.cause()));
                  lastNodeFailure = "database connection failed";
                } else {
                  lastNodeFailure = "database busy";
                }
                tryNextNode();
              });
    }

    /**
     * No connection from {@code node} within {@code connect_timeout} (or what was left of the
     * deadline). That is no verdict on the node: a hung node and a node whose pool is merely
     * saturated by a burst of lookups look the same from here, and taking a busy node down would
     * push the burst onto the others until every node is down and all lookups get TEMP for {@code
     * retry_interval}. A probe on a fresh connection tells them apart; this lookup moves on.
     */
    private void noConnectionInTime(ClusterNode node) {
      suspect(node);
      lastNodeFailure = "no database connection in time";
    }

    private void query(ClusterNode node, Pool pool, SqlConnection connection) {
      if (result.future().isComplete()) {
        connection.close();
        attemptEnded();
        return;
      }
      queryNode = node;
      AtomicBoolean settled = new AtomicBoolean();
      // A query still running after connect_timeout gets the node probed: a hung node is then
      // taken down and this lookup retried elsewhere while the deadline allows; a merely slow
      // query is left alone because the probe answers.
      long suspectTimer = vertx.setTimer(connectTimeoutMillis, id -> suspect(node));
      Runnable abandon =
          () -> {
            if (settled.compareAndSet(false, true)) {
              vertx.cancelTimer(suspectTimer);
              queryNode = null;
              connection.close();
              lastNodeFailure = "database node stopped answering";
              attemptEnded();
              tryNextNode();
            }
          };
      if (!node.queryStarted(pool, abandon)) {
        abandon.run(); // the node went down between acquisition and now
        return;
      }
      Future<T> answer;
      try {
        answer = work.apply(connection);
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(
          ar -> {
            node.queryEnded(abandon);
            if (!settled.compareAndSet(false, true)) {
              return; // abandoned when the node went down; this lookup moved on
            }
            vertx.cancelTimer(suspectTimer);
            queryNode = null;
            connection.close();
            attemptEnded();
            if (ar.succeeded()) {
              // False when the deadline already answered: the late result is dropped here.
              result.tryComplete(ar.result());
            } else if (NodeFailures.isNodeFailureOnQuery(ar.cause())) {
              nodeFailed(node, pool, NodeFailures.describe(ar.cause()));
              lastNodeFailure = "database connection lost";
              tryNextNode();
            } else {
              result.tryFail(ar.cause()); // the query's own error: same on every node
            }
          });
    }
  }

  private record Picked(int index, ClusterNode node, Pool pool) {}

  /** The next node in the rotation that is up and not yet tried by this lookup. */
  private @Nullable Picked pick(boolean[] tried) {
    List<Picked> candidates = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      Pool pool = tried[i] ? null : nodes.get(i).poolIfUp();
      if (pool != null) {
        candidates.add(new Picked(i, nodes.get(i), pool));
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    return candidates.get(Math.floorMod(rotation.getAndIncrement(), candidates.size()));
  }

  /** Takes a node down after a connection-level failure on {@code pool}; logs once per change. */
  private void nodeFailed(ClusterNode node, Pool pool, String reason) {
    List<Runnable> abandoned = node.markDown(pool);
    if (abandoned == null) {
      return; // already down, or the failure came from a pool the node no longer uses
    }
    LOG.warn("database {} node {} down: {}", name, node.address, reason);
    listener.nodeDown(name, node.address, reason);
    abandoned.forEach(Runnable::run);
    closeInBackground(pool);
    scheduleProbe(node, node.downCount(), retryIntervalMillis);
  }

  /** A lookup saw a node that is up not answer in time: probe it now. */
  private void suspect(ClusterNode node) {
    if (node.isUp()) {
      probe(node);
    }
  }

  /**
   * Probes a down node after {@code delayMillis}, for as long as it stays in the same down period.
   * If another probe of the node is still running then, looks again one probe time later.
   */
  private void scheduleProbe(ClusterNode node, long downCount, long delayMillis) {
    if (closed.get()) {
      return;
    }
    vertx.setTimer(
        delayMillis,
        id -> {
          if (!closed.get() && node.isDownIn(downCount) && !probe(node)) {
            scheduleProbe(node, downCount, connectTimeoutMillis);
          }
        });
  }

  /**
   * Runs {@code SELECT 1} on a fresh pool for {@code node}, bounded by {@code connect_timeout}, so
   * a connection stuck in the old pool can't fool it. A node that is down comes back with that
   * pool; a node that is up but suspected goes down when the probe fails.
   *
   * @return false if another probe of this node is running (at most one at a time)
   */
  private boolean probe(ClusterNode node) {
    if (closed.get() || !node.startProbe()) {
      return false;
    }
    Pool suspectPool = node.poolIfUp();
    long downCount = node.downCount();
    Pool fresh;
    try {
      fresh = poolFactory.create(node.address);
    } catch (RuntimeException e) {
      probeFailed(node, null, suspectPool, downCount, "cannot build a probe pool: " + e);
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
                    "probe got no answer within " + connectTimeoutMillis + " ms");
              }
            });
    fresh
        .query(PROBE_SQL)
        .execute()
        .onComplete(
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
                    "probe failed: " + NodeFailures.describe(ar.cause()));
              } else if (node.probeSucceeded(fresh)) {
                LOG.info("database {} node {} back up", name, node.address);
                listener.nodeUp(name, node.address);
              } else {
                closeInBackground(fresh);
              }
            });
    return true;
  }

  private void probeFailed(
      ClusterNode node,
      @Nullable Pool probePool,
      @Nullable Pool suspectPool,
      long downCount,
      String reason) {
    node.probeFailed();
    if (probePool != null) {
      closeInBackground(probePool);
    }
    if (suspectPool != null) {
      nodeFailed(node, suspectPool, reason);
    } else if (node.isDownIn(downCount)) {
      LOG.debug("database {} node {} still down: {}", name, node.address, reason);
      scheduleProbe(node, downCount, retryIntervalMillis);
    }
  }

  /**
   * Closes a pool without waiting for it. A pool with connections stuck on a hung node may never
   * finish closing; {@link #close} gives such pools a last, bounded chance.
   */
  private void closeInBackground(Pool pool) {
    synchronized (retiredPools) {
      retiredPools.add(pool);
    }
    pool.close()
        .onComplete(
            ar -> {
              synchronized (retiredPools) {
                retiredPools.remove(pool);
              }
            });
  }

  @Override
  public Future<Void> close(Duration timeout) {
    closed.set(true);
    List<Future<Void>> closing = new ArrayList<>();
    for (ClusterNode node : nodes) {
      Pool pool = node.close();
      if (pool != null) {
        closing.add(pool.close());
      }
    }
    synchronized (retiredPools) {
      for (Pool pool : retiredPools) {
        closing.add(pool.close());
      }
    }
    Promise<Void> done = Promise.promise();
    long timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            id -> {
              if (done.tryComplete()) {
                LOG.warn("database {}: pools did not close within {} ms", name, timeout.toMillis());
              }
            });
    Future.join(closing)
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              done.tryComplete();
            });
    return done.future();
  }

  /** Every node is down or has failed this lookup: TEMP at once, so the client retries later. */
  private static LookupFailure noNode(@Nullable String lastFailure) {
    String reason = "no database node available";
    return new LookupFailure(
        LookupResult.temp(lastFailure == null ? reason : reason + " (" + lastFailure + ")"));
  }
}
