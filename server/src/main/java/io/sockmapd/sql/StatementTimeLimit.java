package io.sockmapd.sql;

import io.sockmapd.config.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Ends every statement on the database server once it has run for {@code lookup_timeout} plus
 * {@link #MARGIN}. The lookup itself is answered {@code TIMEOUT} by then, but a statement left
 * running holds its pooled connection, and the server's work, until it finishes by itself: behind a
 * table locked for minutes, every connection of the pool ends up waiting on the lock, and the
 * database's other maps find none.
 *
 * <p>Set once per connection, when the pool opens it (a connect handler): one round trip per
 * connection, nothing per statement.
 *
 * <ul>
 *   <li>PostgreSQL: {@code statement_timeout} (milliseconds; lock waits count).
 *   <li>MariaDB: {@code max_statement_time} (seconds, fractions allowed; it also ends waits for a
 *       table lock). MySQL has no such variable: there {@code max_execution_time} (milliseconds),
 *       which bounds read-only {@code SELECT}s, the only statements maps run.
 * </ul>
 *
 * A server that refuses both (an old MySQL) keeps working unbounded; that is logged once.
 */
final class StatementTimeLimit {
  private static final Logger LOG = LogManager.getLogger(StatementTimeLimit.class);

  /**
   * Added to {@code lookup_timeout}, so the lookup's own deadline (a timer on a possibly busy event
   * loop) always answers first and the client is told "did not answer in time", whichever way the
   * race between the two timers would go; the connection is free again a moment later.
   */
  static final Duration MARGIN = Duration.ofSeconds(1);

  private StatementTimeLimit() {}

  /** How long a statement may run on the database before the database (or SQLite) ends it. */
  static Duration limit(DatabaseConfig database) {
    return database.lookupTimeout().plus(MARGIN);
  }

  static Handler<SqlConnection> postgres(String database, Duration limit) {
    long millis = Math.max(1, limit.toMillis());
    Refusals refusals = new Refusals(database);
    return connection ->
        apply(connection, "SET statement_timeout = " + millis)
            .onFailure(refusals::log)
            .onComplete(ar -> connection.close());
  }

  static Handler<SqlConnection> mysql(String database, Duration limit) {
    long millis = Math.max(1, limit.toMillis());
    String seconds = String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    Refusals refusals = new Refusals(database);
    return connection ->
        apply(connection, "SET SESSION max_statement_time = " + seconds)
            .recover(e -> apply(connection, "SET SESSION max_execution_time = " + millis))
            .onFailure(refusals::log)
            .onComplete(ar -> connection.close());
  }

  private static Future<Void> apply(SqlConnection connection, String sql) {
    return connection.query(sql).execute().mapEmpty();
  }

  /** Logs a server's refusal once per pool, not once per connection. */
  private static final class Refusals {
    private final String database;
    private final AtomicBoolean logged = new AtomicBoolean();

    Refusals(String database) {
      this.database = database;
    }

    void log(Throwable e) {
      // A lost connection is the pool's business; only the server's refusal is news here.
      if (e instanceof DatabaseException && logged.compareAndSet(false, true)) {
        LOG.warn(
            "database {}: cannot bound statement time on the server ({}); a statement past its"
                + " deadline keeps its connection until it ends",
            database,
            e.getMessage());
      }
    }
  }
}
