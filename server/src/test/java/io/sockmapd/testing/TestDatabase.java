package io.sockmapd.testing;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.sql.PoolFactory;
import io.sockmapd.sql.SqlDialect;
import io.sockmapd.sql.SqlScript;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A database of its own for one test class: its config, and a pool for setting up fixtures from the
 * test thread.
 */
public final class TestDatabase {
  private final DatabaseConfig config;
  private final Pool pool;

  TestDatabase(Vertx vertx, DatabaseConfig config) {
    this.config = config;
    this.pool = PoolFactory.create(vertx, config);
  }

  public DatabaseType type() {
    return config.type();
  }

  /** The database's config with the project defaults. */
  public DatabaseConfig config() {
    return config;
  }

  /** The config with other timeouts, hosts and in-flight bound. */
  public DatabaseConfig config(Duration lookupTimeout, List<HostAndPort> hosts, int maxInFlight) {
    return config(
        config.name(),
        hosts,
        config.connectTimeout(),
        lookupTimeout,
        config.retryInterval(),
        maxInFlight);
  }

  /** The config under another name, with other hosts (e.g. proxies), timeouts and bound. */
  public DatabaseConfig config(
      String name,
      List<HostAndPort> hosts,
      Duration connectTimeout,
      Duration lookupTimeout,
      Duration retryInterval,
      int maxInFlight) {
    return config.toBuilder()
        .name(name)
        .hosts(hosts)
        .connectTimeout(connectTimeout)
        .lookupTimeout(lookupTimeout)
        .retryInterval(retryInterval)
        .maxInFlight(maxInFlight)
        .build();
  }

  /** Runs a script of {@code ;}-separated statements, blocking the (test) thread. */
  public void execute(String script) {
    for (String statement : SqlScript.split(script, SqlDialect.of(config.type()))) {
      await(pool.query(statement).execute());
    }
  }

  /** The single value of a one-row, one-column query. */
  public Object queryValue(String sql) {
    for (Row row : await(pool.query(sql).execute())) {
      return row.getValue(0);
    }
    throw new AssertionError("no row from " + sql);
  }

  /** Runs {@code work} on one connection of its own, blocking the (test) thread. */
  public <T> T withConnection(
      java.util.function.Function<io.vertx.sqlclient.SqlConnection, io.vertx.core.Future<T>> work) {
    return await(pool.withConnection(work));
  }

  void close() {
    await(pool.close());
  }

  static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("database operation timed out", e);
    }
  }

  @Override
  public String toString() {
    return config.type().configName();
  }
}
