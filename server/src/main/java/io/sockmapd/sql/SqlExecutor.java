package io.sockmapd.sql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collector;
import org.jspecify.annotations.Nullable;

/**
 * Runs lookup statements against one configured database (one node or a cluster). The seam where
 * node selection and failover live: {@link PoolExecutor} is the simple single-pool version.
 *
 * <p>Contract for implementations: {@link #execute} applies the database's {@code lookup_timeout}
 * as one deadline (failing with {@link LookupFailure#deadline()}), bounds concurrent lookups by
 * {@code max_in_flight} (failing fast with {@link LookupFailure#busy()}), never blocks the caller
 * and runs blocking drivers (JDBC) off event-loop threads.
 */
public interface SqlExecutor {

  /** The configured database name, for log lines and check reports. */
  String databaseName();

  /** Runs one prepared statement with its parameters. */
  Future<RowSet<Row>> execute(String sql, Tuple params);

  /**
   * Runs one prepared statement with its parameters and hands each row to {@code rows} as it is
   * decoded, so no result set is held whole: what the collector keeps is all that stays in memory.
   * A retry on another node starts a fresh container from the collector's supplier.
   */
  <R> Future<R> collect(String sql, Tuple params, Collector<Row, ?, R> rows);

  /**
   * Prepares (parses and describes) a statement without running it, so {@code sockmapd check} can
   * find a bad table or column without side effects.
   */
  Future<Void> prepare(String sql);

  /**
   * How maps may coalesce lookups into batch statements on this database; null (the default) when
   * every lookup is a statement of its own.
   */
  default @Nullable BatchSettings batchSettings() {
    return null;
  }

  /**
   * PostgreSQL only: the types the server infers for the bind parameters of {@code sql}, in order
   * (see {@link PgParameterTypes}). Fails when the statement does not prepare.
   */
  default Future<List<String>> parameterTypes(String sql) {
    return Future.failedFuture(new UnsupportedOperationException("parameter types"));
  }

  /**
   * This executor as the map {@code map} uses it: the same pools and deadline, but the map's
   * statements hold at most its {@link StatementShare} of the connections at once, so one map whose
   * statements hang cannot starve the database's other maps. The default (test wrappers) shares
   * nothing.
   */
  default SqlExecutor forMap(String map) {
    return this;
  }

  /** Releases connections, giving up after {@code timeout}; never fails. */
  Future<Void> close(Duration timeout);
}
