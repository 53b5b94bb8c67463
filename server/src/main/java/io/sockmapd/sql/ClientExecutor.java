package io.sockmapd.sql;

import io.sockmapd.config.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collector;
import org.jspecify.annotations.Nullable;

/**
 * What the two Vert.x SQL executors ({@link PoolExecutor}, {@code ClusterExecutor}) share: the
 * statements, each run within the database's {@link LookupAdmission} and, for a map's view ({@link
 * #forMap}), within the map's {@link StatementShare} of the connections. A subclass says where a
 * statement runs.
 */
public abstract class ClientExecutor implements SqlExecutor {
  private final String name;
  private final int mapShare;
  private final @Nullable BatchSettings batchSettings;
  private final LookupAdmission admission;

  protected ClientExecutor(Vertx vertx, DatabaseConfig database) {
    this.name = database.name();
    this.mapShare = StatementShare.perMap(database);
    this.batchSettings = BatchSettings.of(vertx, database);
    this.admission = new LookupAdmission(vertx, database);
  }

  /**
   * Runs {@code work} on a client of the database (a pool, or one connection) for a lookup that
   * {@link #admit} let in with {@code share}.
   */
  protected abstract <T> Future<T> run(
      Function<SqlClient, Future<T>> work, @Nullable StatementShare share);

  /** {@link #parameterTypes(String)} within {@code share}. */
  protected abstract Future<List<String>> parameterTypes(
      String sql, @Nullable StatementShare share);

  /** {@link #prepare(String)} within {@code share}. */
  protected abstract Future<Void> prepare(String sql, @Nullable StatementShare share);

  /** Admits one lookup through the database's {@link LookupAdmission}. */
  protected final <T> Future<T> admit(
      @Nullable StatementShare share, Consumer<LookupAdmission.Admitted<T>> start) {
    return admission.admit(share, start);
  }

  /** Lets no more lookups in; those running go on. */
  protected final void closeAdmission() {
    admission.close();
  }

  /** Lookups running now; for tests and metrics. */
  public final int inFlight() {
    return admission.inFlight();
  }

  @Override
  public final String databaseName() {
    return name;
  }

  @Override
  public final Future<RowSet<Row>> execute(String sql, Tuple params) {
    return execute(sql, params, null);
  }

  private Future<RowSet<Row>> execute(String sql, Tuple params, @Nullable StatementShare share) {
    return run(client -> client.preparedQuery(sql).execute(params), share);
  }

  @Override
  public final <R> Future<R> collect(String sql, Tuple params, Collector<Row, ?, R> rows) {
    return collect(sql, params, rows, null);
  }

  private <R> Future<R> collect(
      String sql, Tuple params, Collector<Row, ?, R> rows, @Nullable StatementShare share) {
    return run(
        client -> client.preparedQuery(sql).collecting(rows).execute(params).map(SqlResult::value),
        share);
  }

  @Override
  public final @Nullable BatchSettings batchSettings() {
    return batchSettings;
  }

  @Override
  public final Future<List<String>> parameterTypes(String sql) {
    return parameterTypes(sql, null);
  }

  @Override
  public final Future<Void> prepare(String sql) {
    return prepare(sql, null);
  }

  @Override
  public final SqlExecutor forMap(String map) {
    return new MapView(new StatementShare(mapShare));
  }

  /** One map's view: the database's clients and deadline, the map's own share of connections. */
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
      return ClientExecutor.this.execute(sql, params, share);
    }

    @Override
    public <R> Future<R> collect(String sql, Tuple params, Collector<Row, ?, R> rows) {
      return ClientExecutor.this.collect(sql, params, rows, share);
    }

    @Override
    public Future<Void> prepare(String sql) {
      return ClientExecutor.this.prepare(sql, share);
    }

    @Override
    public Future<List<String>> parameterTypes(String sql) {
      return ClientExecutor.this.parameterTypes(sql, share);
    }

    @Override
    public @Nullable BatchSettings batchSettings() {
      return batchSettings;
    }

    @Override
    public Future<Void> close(Duration timeout) {
      return Future.succeededFuture(); // the clients belong to the database, closed with it
    }
  }
}
