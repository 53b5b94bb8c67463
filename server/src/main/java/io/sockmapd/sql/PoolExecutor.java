package io.sockmapd.sql;

import io.sockmapd.config.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The simple {@link SqlExecutor}: one Vert.x pool for the whole database, used for SQLite (one
 * local file). In-flight bound, map share and deadline are the {@link LookupAdmission} that the
 * cluster's executor uses too ({@link ClientExecutor}).
 */
public final class PoolExecutor extends ClientExecutor {
  private static final Logger LOG = LogManager.getLogger(PoolExecutor.class);

  private final Pool pool;
  private final Future<Void> ready;

  /**
   * @param ready completes when the database may be used (SQLite seeding); lookups wait for it
   */
  public PoolExecutor(Vertx vertx, DatabaseConfig database, Pool pool, Future<Void> ready) {
    super(vertx, database);
    this.pool = pool;
    this.ready = ready;
  }

  @Override
  protected <T> Future<T> run(Function<SqlClient, Future<T>> work, @Nullable StatementShare share) {
    return withDeadline(() -> work.apply(pool), share);
  }

  @Override
  protected Future<List<String>> parameterTypes(String sql, @Nullable StatementShare share) {
    return withDeadline(() -> pool.withConnection(c -> PgParameterTypes.describe(c, sql)), share);
  }

  @Override
  protected Future<Void> prepare(String sql, @Nullable StatementShare share) {
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
    return admit(
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
    closeAdmission();
    return pool.close()
        .timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)
        .recover(
            e -> {
              LOG.warn("database {}: pool did not close cleanly: {}", databaseName(), e.toString());
              return Future.succeededFuture();
            });
  }
}
