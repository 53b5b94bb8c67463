package io.sockmapd.sql;

import io.sockmapd.config.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The simple {@link SqlExecutor}: one Vert.x pool for the whole database (several hosts are spread
 * by the pool's own round-robin at connection time, without failover).
 *
 * <p>The deadline is a timer racing the query rather than {@code Future.timeout}, so a passed
 * deadline ({@code TIMEOUT}) can't be confused with the pool's own "timeout waiting for connection"
 * ({@code TEMP}). A query that outlives its deadline keeps its in-flight slot until the database
 * really answers: the bound counts work the database is doing, not replies sent.
 */
public final class PoolExecutor implements SqlExecutor {
  private static final Logger LOG = LogManager.getLogger(PoolExecutor.class);

  private final Vertx vertx;
  private final String name;
  private final Pool pool;
  private final Future<Void> ready;
  private final long deadlineMillis;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final @Nullable BatchSettings batchSettings;

  /**
   * @param ready completes when the database may be used (SQLite seeding); lookups wait for it
   */
  public PoolExecutor(Vertx vertx, DatabaseConfig database, Pool pool, Future<Void> ready) {
    this.vertx = vertx;
    this.name = database.name();
    this.pool = pool;
    this.ready = ready;
    this.deadlineMillis = Math.max(1, database.lookupTimeout().toMillis());
    this.maxInFlight = database.maxInFlight();
    this.batchSettings = BatchSettings.of(vertx, database);
  }

  @Override
  public String databaseName() {
    return name;
  }

  @Override
  public Future<RowSet<Row>> execute(String sql, Tuple params) {
    return withDeadline(() -> pool.preparedQuery(sql).execute(params));
  }

  @Override
  public @Nullable BatchSettings batchSettings() {
    return batchSettings;
  }

  @Override
  public Future<List<String>> parameterTypes(String sql) {
    return withDeadline(() -> pool.withConnection(c -> PgParameterTypes.describe(c, sql)));
  }

  @Override
  public Future<Void> prepare(String sql) {
    return withDeadline(
        () ->
            pool.withConnection(
                // The JDBC client cannot close a prepared statement ("not yet implemented");
                // the connection drops it when it goes back to the pool or closes.
                c -> c.prepare(sql).compose(ps -> ps.close().otherwiseEmpty())));
  }

  /** Runs {@code work} once the database is ready, within the in-flight bound and the deadline. */
  private <T> Future<T> withDeadline(Supplier<Future<T>> work) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return Future.failedFuture(LookupFailure.busy());
    }
    Promise<T> promise = Promise.promise();
    long timer = vertx.setTimer(deadlineMillis, id -> promise.tryFail(LookupFailure.deadline()));
    ready
        .compose(v -> work.get())
        .onComplete(
            ar -> {
              inFlight.decrementAndGet();
              vertx.cancelTimer(timer);
              if (ar.succeeded()) {
                promise.tryComplete(ar.result());
              } else {
                promise.tryFail(ar.cause());
              }
            });
    return promise.future();
  }

  @Override
  public Future<Void> close(Duration timeout) {
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
    return inFlight.get();
  }
}
