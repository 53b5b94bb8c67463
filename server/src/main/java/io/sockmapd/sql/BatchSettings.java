package io.sockmapd.sql;

import io.vertx.core.Vertx;

/**
 * What a map needs to coalesce its lookups into batch statements on one PostgreSQL database.
 *
 * @param vertx for the one deadline timer of each map's batcher
 * @param lookupTimeoutMillis the database's {@code lookup_timeout}: each lookup's own deadline,
 *     counted from when the map received it (however long it waited for a batch)
 * @param concurrentBatches batch statements one map keeps running at once (at most {@link
 *     #MAX_CONCURRENT_BATCHES}, at most the pool size); the lookups that arrive meanwhile wait for
 *     the next free one and go together
 * @param maxQueued lookups one map lets wait for a batch before answering {@code TEMP} at once (the
 *     database's {@code max_in_flight})
 */
public record BatchSettings(
    Vertx vertx, long lookupTimeoutMillis, int concurrentBatches, int maxQueued) {

  /**
   * Two statements per map: one runs while the answers of the other travel and are formatted, so
   * the database is never idle for the map, and every further lookup waits to share the next
   * statement. More would only make batches smaller (more work per lookup); measured with
   * bench/run.sh, 2 beat 4 clearly.
   */
  public static final int MAX_CONCURRENT_BATCHES = 2;

  /** The settings for {@code database}; null when its engine gets one statement per lookup. */
  public static @org.jspecify.annotations.Nullable BatchSettings of(
      Vertx vertx, io.sockmapd.config.DatabaseConfig database) {
    if (database.type() != io.sockmapd.config.DatabaseType.POSTGRESQL) {
      return null;
    }
    return new BatchSettings(
        vertx,
        Math.max(1, database.lookupTimeout().toMillis()),
        Math.max(1, Math.min(MAX_CONCURRENT_BATCHES, database.poolSize())),
        Math.max(1, database.maxInFlight()));
  }
}
