package io.sockmapd.sql;

import io.sockmapd.config.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collector;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The simple {@link SqlExecutor}: one Vert.x pool for the whole database, used for SQLite (one
 * local file). In-flight bound, map share and deadline are the {@link LookupAdmission} that the
 * cluster's executor uses too.
 */
public final class PoolExecutor implements SqlExecutor {
  private static final Logger LOG = LogManager.getLogger(PoolExecutor.class);

  private final String name;
  private final Pool pool;
  private final Future<Void> ready;
  private final LookupAdmission admission;
  private final int mapShare;
  private final @Nullable BatchSettings batchSettings;

  /**
   * @param ready completes when the database may be used (SQLite seeding); lookups wait for it
   */
  public PoolExecutor(Vertx vertx, DatabaseConfig database, Pool pool, Future<Void> ready) {
    this.name = database.name();
    this.pool = pool;
    this.ready = ready;
    this.admission = new LookupAdmission(vertx, database);
    this.mapShare = StatementShare.perMap(database);
    this.batchSettings = BatchSettings.of(vertx, database);
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
    return withDeadline(() -> pool.preparedQuery(sql).execute(params), share);
  }

  @Override
  public SqlExecutor forMap(String map) {
    StatementShare share = new StatementShare(mapShare);
    PoolExecutor shared = this;
    return new SqlExecutor() {
      @Override
      public String databaseName() {
        return name;
      }

      @Override
      public Future<RowSet<Row>> execute(String sql, Tuple params) {
        return shared.execute(sql, params, share);
      }

      @Override
      public <R> Future<R> collect(String sql, Tuple params, Collector<Row, ?, R> rows) {
        return shared.collect(sql, params, rows, share);
      }

      @Override
      public Future<Void> prepare(String sql) {
        return shared.prepare(sql, share);
      }

      @Override
      public Future<List<String>> parameterTypes(String sql) {
        return shared.parameterTypes(sql, share);
      }

      @Override
      public @Nullable BatchSettings batchSettings() {
        return batchSettings;
      }

      @Override
      public Future<Void> close(Duration timeout) {
        return Future.succeededFuture(); // the pool belongs to the database, closed with it
      }
    };
  }

  @Override
  public <R> Future<R> collect(String sql, Tuple params, Collector<Row, ?, R> rows) {
    return collect(sql, params, rows, null);
  }

  private <R> Future<R> collect(
      String sql, Tuple params, Collector<Row, ?, R> rows, @Nullable StatementShare share) {
    return withDeadline(
        () -> pool.preparedQuery(sql).collecting(rows).execute(params).map(SqlResult::value),
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
    return withDeadline(() -> pool.withConnection(c -> PgParameterTypes.describe(c, sql)), share);
  }

  @Override
  public Future<Void> prepare(String sql) {
    return prepare(sql, null);
  }

  private Future<Void> prepare(String sql, @Nullable StatementShare share) {
    return withDeadline(
        () ->
            pool.withConnection(
                // The JDBC client cannot close a prepared statement ("not yet implemented");
                // the connection drops it when it goes back to the pool or closes.
                c -> c.prepare(sql).compose(ps -> ps.close().otherwiseEmpty())),
        share);
  }

  /**
   * Runs {@code work} once the database is ready, within the database's {@link LookupAdmission}:
   * the in-flight bound, the map's {@code share} (if any) and the deadline.
   */
  private <T> Future<T> withDeadline(Supplier<Future<T>> work, @Nullable StatementShare share) {
    return admission.admit(
        share,
        lookup -> {
          lookup.workStarted();
          ready
              .compose(v -> work.get())
              .onComplete(
                  ar -> {
                    lookup.workEnded();
                    if (ar.succeeded()) {
                      lookup.complete(ar.result());
                    } else {
                      lookup.fail(ar.cause());
                    }
                  });
        });
  }

  @Override
  public Future<Void> close(Duration timeout) {
    admission.close();
    return pool.close()
        .timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)
        .recover(
            e -> {
              LOG.warn("database {}: pool did not close cleanly: {}", name, e.toString());
              return Future.succeededFuture();
            });
  }

  /** Lookups currently running; for tests and metrics. */
  int inFlight() {
    return admission.inFlight();
  }
}
