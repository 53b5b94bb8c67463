package io.sockmapd.sql.cluster;

import io.sockmapd.cluster.NodeHealth;
import io.sockmapd.cluster.NodeStateListener;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.sql.BatchSettings;
import io.sockmapd.sql.LookupAdmission;
import io.sockmapd.sql.PgParameterTypes;
import io.sockmapd.sql.SqlExecutor;
import io.sockmapd.sql.StatementShare;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collector;
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
 *   <li>{@link LookupAdmission} (shared with the single-pool executor): {@code max_in_flight}, the
 *       map's {@link StatementShare} of the connections ({@link #forMap}), and one deadline ({@code
 *       lookup_timeout}) covering acquisition, query and retries; whatever answers after it is
 *       dropped, so the returned future completes exactly once.
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
public final class ClusterExecutor implements SqlExecutor {
  private static final Logger LOG = LogManager.getLogger(ClusterExecutor.class);

  private final Vertx vertx;
  private final String name;
  private final long connectTimeoutMillis;
  private final int mapShare;
  private final @Nullable BatchSettings batchSettings;
  private final LookupAdmission admission;
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
    if (database.hosts().isEmpty()) {
      throw new IllegalArgumentException("database " + database.name() + " has no hosts");
    }
    this.vertx = vertx;
    this.name = database.name();
    this.connectTimeoutMillis = Math.max(1, database.connectTimeout().toMillis());
    this.mapShare = StatementShare.perMap(database);
    this.batchSettings = BatchSettings.of(vertx, database);
    this.admission = new LookupAdmission(vertx, database);
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

  @Override
  public String databaseName() {
    return name;
  }

  @Override
  public Future<RowSet<Row>> execute(String sql, Tuple params) {
    return execute(sql, params, null);
  }

  private Future<RowSet<Row>> execute(String sql, Tuple params, @Nullable StatementShare share) {
    return run(connection -> connection.preparedQuery(sql).execute(params), share);
  }

  @Override
  public SqlExecutor forMap(String map) {
    return new MapView(new StatementShare(mapShare));
  }

  @Override
  public <R> Future<R> collect(String sql, Tuple params, Collector<Row, ?, R> rows) {
    return collect(sql, params, rows, null);
  }

  private <R> Future<R> collect(
      String sql, Tuple params, Collector<Row, ?, R> rows, @Nullable StatementShare share) {
    return run(
        connection ->
            connection.preparedQuery(sql).collecting(rows).execute(params).map(SqlResult::value),
        share);
  }

  @Override
  public @Nullable BatchSettings batchSettings() {
    return batchSettings;
  }

  @Override
  public Future<List<String>> parameterTypes(String sql) {
    return parameterTypes(sql, null);
  }

  private Future<List<String>> parameterTypes(String sql, @Nullable StatementShare share) {
    return run(connection -> PgParameterTypes.describe(connection, sql), share);
  }

  @Override
  public Future<Void> prepare(String sql) {
    return prepare(sql, null);
  }

  private Future<Void> prepare(String sql, @Nullable StatementShare share) {
    return run(
        connection -> connection.prepare(sql).compose(statement -> statement.close()), share);
  }

  /** One map's view: the cluster's nodes and deadline, the map's own share of connections. */
  private final class MapView implements SqlExecutor {
    private final StatementShare share;

    MapView(StatementShare share) {
      this.share = share;
    }

    @Override
    public String databaseName() {
      return name;
    }

    @Override
    public Future<RowSet<Row>> execute(String sql, Tuple params) {
      return ClusterExecutor.this.execute(sql, params, share);
    }

    @Override
    public <R> Future<R> collect(String sql, Tuple params, Collector<Row, ?, R> rows) {
      return ClusterExecutor.this.collect(sql, params, rows, share);
    }

    @Override
    public Future<Void> prepare(String sql) {
      return ClusterExecutor.this.prepare(sql, share);
    }

    @Override
    public Future<List<String>> parameterTypes(String sql) {
      return ClusterExecutor.this.parameterTypes(sql, share);
    }

    @Override
    public @Nullable BatchSettings batchSettings() {
      return batchSettings;
    }

    @Override
    public Future<Void> close(Duration timeout) {
      return Future.succeededFuture(); // the pools belong to the cluster, closed with it
    }
  }

  /** How many nodes are in the rotation now; for tests, checks and metrics. */
  public int nodesUp() {
    return health.nodesUp();
  }

  /** Lookups running now; for tests and metrics. */
  public int inFlight() {
    return admission.inFlight();
  }

  private <T> Future<T> run(
      Function<SqlConnection, Future<T>> work, @Nullable StatementShare share) {
    return admission.admit(
        share,
        lookup -> new ClusterLookup<>(vertx, health, connectTimeoutMillis, work, lookup).start());
  }

  @Override
  public Future<Void> close(Duration timeout) {
    admission.close();
    List<Future<Void>> closing = health.close();
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
}
