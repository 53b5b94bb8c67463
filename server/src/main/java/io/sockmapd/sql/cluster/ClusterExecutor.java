package io.sockmapd.sql.cluster;

import io.sockmapd.cluster.NodeHealth;
import io.sockmapd.cluster.NodeStateListener;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.sql.ClientExecutor;
import io.sockmapd.sql.LookupAdmission;
import io.sockmapd.sql.PgParameterTypes;
import io.sockmapd.sql.SqlExecutor;
import io.sockmapd.sql.StatementShare;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SqlExecutor} over a cluster of equivalent nodes (replicas, or a primary and its
 * standbys: lookups only read), with our own failover instead of the Vert.x pool's host list, which
 * spreads new connections but fails requests on a dead host and lets a hung host keep pool slots
 * for ever. Three parts, each with one job:
 *
 * <ul>
 *   <li>{@link LookupAdmission} (shared with the single-pool executor, through {@link
 *       ClientExecutor}): {@code max_in_flight}, the map's {@link StatementShare} of the
 *       connections ({@link #forMap}), and one deadline ({@code lookup_timeout}) covering
 *       acquisition, query and retries; whatever answers after it is dropped, so the returned
 *       future completes exactly once.
 *   <li>{@link ClusterLookup}: one lookup's attempts, round-robin over the nodes that are up,
 *       moving on after a connection-level failure or when no connection comes within {@code
 *       connect_timeout}; an error of the query itself is the answer.
 *   <li>{@link NodeHealth}: which nodes are up, taking a node down (once, with its pool), the
 *       probes that bring it back ({@link ProbePace}), and the retired pools.
 * </ul>
 *
 * <p>What a failure means (the node's, the query's, or our own side's) is decided by {@link
 * io.sockmapd.sql.SqlErrorClassifier} alone. The database itself ends a statement that outlives the
 * deadline (see {@code StatementTimeLimit}), so one map stuck on a locked table cannot starve the
 * others.
 *
 * <p>Thread safety: lookups start on any thread; pool callbacks and timers run on Vert.x threads.
 * Node state is guarded by each {@link ClusterNode}; a lookup's own steps run one after another.
 */
public final class ClusterExecutor extends ClientExecutor {
  private static final Logger LOG = LogManager.getLogger(ClusterExecutor.class);

  private final Vertx vertx;
  private final long connectTimeoutMillis;
  private final NodeHealth<Pool> health;

  /**
   * @param poolFactory builds a fresh pool for one node (at start and for each probe)
   * @param listener hears each node state change once
   */
  public ClusterExecutor(
      Vertx vertx,
      DatabaseConfig database,
      NodePoolFactory poolFactory,
      NodeStateListener listener) {
    super(vertx, withHosts(database));
    this.vertx = vertx;
    this.connectTimeoutMillis = Math.max(1, database.connectTimeout().toMillis());
    this.health =
        new NodeHealth<>(
            LOG,
            vertx,
            database.name(),
            database.hosts(),
            database.connectTimeout(),
            database.retryInterval(),
            new SqlNodeClients(database, poolFactory),
            listener);
  }

  private static DatabaseConfig withHosts(DatabaseConfig database) {
    if (database.hosts().isEmpty()) {
      throw new IllegalArgumentException("database " + database.name() + " has no hosts");
    }
    return database;
  }

  @Override
  protected <T> Future<T> run(Function<SqlClient, Future<T>> work, @Nullable StatementShare share) {
    return onConnection(work::apply, share);
  }

  @Override
  protected Future<List<String>> parameterTypes(String sql, @Nullable StatementShare share) {
    return onConnection(connection -> PgParameterTypes.describe(connection, sql), share);
  }

  @Override
  protected Future<Void> prepare(String sql, @Nullable StatementShare share) {
    return onConnection(
        connection -> connection.prepare(sql).compose(statement -> statement.close()), share);
  }

  /** How many nodes are in the rotation now; for tests, checks and metrics. */
  public int nodesUp() {
    return health.nodesUp();
  }

  /** Runs {@code work} on a connection to a node that is up, failing over to the next. */
  private <T> Future<T> onConnection(
      Function<SqlConnection, Future<T>> work, @Nullable StatementShare share) {
    return admit(
        share,
        lookup -> new ClusterLookup<>(vertx, health, connectTimeoutMillis, work, lookup).start());
  }

  @Override
  public Future<Void> close(Duration timeout) {
    closeAdmission();
    List<Future<Void>> closing = health.close();
    Promise<Void> done = Promise.promise();
    long timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            id -> {
              if (done.tryComplete()) {
                LOG.warn(
                    "database {}: pools did not close within {} ms",
                    databaseName(),
                    timeout.toMillis());
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
}
