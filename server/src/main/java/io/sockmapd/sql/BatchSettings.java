package io.sockmapd.sql;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What a map needs to coalesce its lookups into batch statements on one PostgreSQL, MySQL or
 * MariaDB database.
 *
 * @param vertx for the deadline timer and the slow-statement timer of each map's batcher
 * @param lookupTimeoutMillis the database's {@code lookup_timeout}: each lookup's own deadline,
 *     counted from when the map received it (however long it waited for a batch)
 * @param concurrentBatches batch statements one map may have running at once: its {@link
 *     StatementShare} of the database's connections; beyond the first, only while statements are
 *     slow
 * @param slowBatchNanos a batch statement running longer than this is slow: the lookups waiting
 *     behind it are spread over more statements (as many as {@code concurrentBatches} allows)
 * @param maxQueued lookups one map lets wait for a batch before answering {@code TEMP} at once (the
 *     database's {@code max_in_flight})
 */
public record BatchSettings(
    Vertx vertx,
    long lookupTimeoutMillis,
    int concurrentBatches,
    long slowBatchNanos,
    int maxQueued) {

  /**
   * When a running batch statement counts as slow. Far above a healthy round trip under load
   * (hundreds of microseconds here), and short next to any client's patience.
   */
  public static final long SLOW_BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /**
   * The settings for {@code database}; null when its engine gets one statement per lookup (SQLite:
   * embedded, no round trip to save, and its JDBC driver runs one statement at a time anyway).
   */
  public static @Nullable BatchSettings of(Vertx vertx, DatabaseConfig database) {
    if (database.type() == DatabaseType.SQLITE) {
      return null;
    }
    return new BatchSettings(
        vertx,
        Math.max(1, database.lookupTimeout().toMillis()),
        // One statement per map while statements are fast, so that every lookup arriving while it
        // runs shares the next one: the larger the batches, the less database work per lookup
        // (measured with benchmarks/run.sh: one at a time gave 8.6 against 5.5 lookups per
        // statement at 32 connections, 20 % less database CPU and more lookups/s than two at
        // once). While they are slow, as many as the map's share of the pool: a fixed two
        // serialised slow lookups (32 lookups of 0.3 s on 16 connections took 5 s instead of
        // 0.6 s).
        StatementShare.perMap(database),
        SLOW_BATCH_NANOS,
        Math.max(1, database.maxInFlight()));
  }

  /** These settings with another slow-statement threshold; for tests. */
  public BatchSettings withSlowBatchNanos(long nanos) {
    return new BatchSettings(vertx, lookupTimeoutMillis, concurrentBatches, nanos, maxQueued);
  }
}
