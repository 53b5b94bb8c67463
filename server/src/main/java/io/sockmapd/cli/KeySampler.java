package io.sockmapd.cli;

import io.sockmapd.Daemon;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.importer.KeyColumns;
import io.sockmapd.sql.PoolFactory;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads up to N distinct values of a key column from a database, for {@code verify --sample}. Runs
 * on the command's own thread (never on an event loop) and waits for each answer with a limit.
 */
final class KeySampler implements AutoCloseable {
  /**
   * One sampling statement's limit. A DISTINCT over a large table without an index on the column
   * takes longer than a lookup, so the database's {@code lookup_timeout} does not apply.
   */
  static final Duration STATEMENT_LIMIT = Duration.ofSeconds(60);

  private final Vertx vertx = Daemon.newVertx();

  /** Thrown when the database does not answer the sampling statement. */
  static final class SampleException extends Exception {
    private static final long serialVersionUID = 1L;

    SampleException(String message) {
      super(message);
    }
  }

  /**
   * Up to {@code limit} distinct non-null values of {@code column}, the first ones in the column's
   * order (so two runs on the same data sample the same rows).
   */
  List<String> sample(DatabaseConfig database, KeyColumns.Column column, int limit)
      throws SampleException, InterruptedException {
    // The names come from the table's own query, where Postfix already runs them as written.
    String sql =
        "SELECT DISTINCT "
            + column.column()
            + " FROM "
            + column.table()
            + " WHERE "
            + column.column()
            + " IS NOT NULL ORDER BY 1 LIMIT "
            + limit;
    DatabaseConfig patient = withStatementLimit(database);
    // One node is enough to read the data: Postfix's own client also asks any one of its hosts.
    Pool pool =
        patient.type() == DatabaseType.SQLITE
            ? PoolFactory.create(vertx, patient)
            : PoolFactory.forNode(vertx, patient, patient.hosts().get(0));
    try {
      RowSet<Row> rows =
          pool.query(sql)
              .execute()
              .toCompletionStage()
              .toCompletableFuture()
              .get(STATEMENT_LIMIT.toSeconds() + 5, TimeUnit.SECONDS);
      List<String> values = new ArrayList<>();
      for (Row row : rows) {
        values.add(String.valueOf(row.getValue(0)));
      }
      return values;
    } catch (ExecutionException e) {
      throw new SampleException(sql + ": " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new SampleException(sql + ": no answer within " + STATEMENT_LIMIT.toSeconds() + "s");
    } finally {
      pool.close();
    }
  }

  private static DatabaseConfig withStatementLimit(DatabaseConfig d) {
    return d.toBuilder()
        .poolSize(1)
        .lookupTimeout(STATEMENT_LIMIT)
        .initSql(null)
        .http(null)
        .build();
  }

  @Override
  public void close() {
    Daemon.closeVertx(vertx, BackendSession.CLOSE_TIMEOUT);
  }
}
