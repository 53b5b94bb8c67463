package io.sockmapd.sql;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.TlsMode;
import io.sockmapd.sql.text.PostgresValueText;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;

/**
 * Builds the Vert.x pool for one configured database. Pools are built once per database at start
 * (never per lookup) and connect lazily.
 */
public final class PoolFactory {
  /** Long enough for the combined fallback statements to stay in the prepared-statement cache. */
  private static final int STATEMENT_CACHE_SQL_LIMIT = 64 * 1024;

  private PoolFactory() {}

  /**
   * A single pool for {@code database}: its file for SQLite, its one host otherwise. A cluster gets
   * one pool per node ({@link #forNode}), so more than one host is refused here.
   */
  public static Pool create(Vertx vertx, DatabaseConfig database) {
    return switch (database.type()) {
      case POSTGRESQL, MYSQL -> forNode(vertx, database, onlyHost(database));
      case SQLITE -> sqlite(vertx, database, sqliteDataSource(sqlitePath(database)));
      case HTTP -> throw new IllegalArgumentException("database " + database.name() + " is http");
    };
  }

  /** A pool for one node of a PostgreSQL or MySQL cluster. */
  public static Pool forNode(Vertx vertx, DatabaseConfig database, HostAndPort node) {
    return database.type() == DatabaseType.POSTGRESQL
        ? build(
            PgBuilder.pool(),
            vertx,
            database,
            postgresOptions(database, node),
            StatementTimeLimit.postgres(database.name(), StatementTimeLimit.limit(database)))
        : build(
            MySQLBuilder.pool(),
            vertx,
            database,
            mysqlOptions(database, node),
            StatementTimeLimit.mysql(database.name(), StatementTimeLimit.limit(database)));
  }

  private static HostAndPort onlyHost(DatabaseConfig database) {
    List<HostAndPort> hosts = database.hosts();
    if (hosts.size() != 1) {
      throw new IllegalArgumentException(
          "database " + database.name() + " has " + hosts.size() + " hosts; one pool takes one");
    }
    return hosts.get(0);
  }

  private static Pool build(
      ClientBuilder<Pool> builder,
      Vertx vertx,
      DatabaseConfig database,
      SqlConnectOptions node,
      Handler<SqlConnection> statementTimeLimit) {
    return builder
        .with(poolOptions(database))
        .withConnectHandler(statementTimeLimit)
        .with(netOptions(database))
        .connectingTo(node)
        .using(vertx)
        .build();
  }

  /**
   * A SQLite pool through the Vert.x JDBC client, which runs every JDBC call on a worker thread; a
   * statement still running after {@code lookup_timeout} (and {@link StatementTimeLimit#MARGIN}) is
   * interrupted. Takes the data source so tests can observe the driver calls.
   */
  static Pool sqlite(Vertx vertx, DatabaseConfig database, DataSource dataSource) {
    return JDBCPool.pool(
        vertx,
        new InterruptingDataSource(dataSource, StatementTimeLimit.limit(database)),
        poolOptions(database));
  }

  static Path sqlitePath(DatabaseConfig database) {
    Path path = database.path();
    if (path == null) {
      throw new IllegalArgumentException("database " + database.name() + " has no path");
    }
    return path;
  }

  static DataSource sqliteDataSource(Path path) {
    SQLiteDataSource dataSource = new SQLiteDataSource();
    dataSource.setUrl("jdbc:sqlite:" + path);
    return dataSource;
  }

  static PoolOptions poolOptions(DatabaseConfig database) {
    return new PoolOptions()
        .setMaxSize(database.poolSize())
        // Lookups beyond max_in_flight fail before reaching the pool; this only caps the queue.
        .setMaxWaitQueueSize(database.maxInFlight())
        // Waiting for a busy pool is bounded like a connect attempt: a short TEMP beats a
        // request parked until the client gives up.
        .setConnectionTimeout((int) Math.max(1, database.connectTimeout().toMillis()))
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  private static NetClientOptions netOptions(DatabaseConfig database) {
    return new NetClientOptions()
        .setConnectTimeout((int) Math.max(1, database.connectTimeout().toMillis()));
  }

  /** The connection options of one PostgreSQL node, as every pool and listener uses them. */
  public static PgConnectOptions postgresOptions(DatabaseConfig database, HostAndPort host) {
    PgConnectOptions options =
        withCommonSettings(new PgConnectOptions(), database, host)
            .addProperty("client_encoding", "UTF8")
            .addProperty("application_name", "sockmapd")
            // timestamptz values arrive as instants; the zone they are shown in must be known.
            .addProperty("TimeZone", PostgresValueText.sessionTimeZone().getId());
    options.setSslMode(
        switch (database.tlsMode()) {
          case DISABLE -> SslMode.DISABLE;
          case REQUIRE -> SslMode.REQUIRE;
          case VERIFY_CA -> SslMode.VERIFY_CA;
          case VERIFY_FULL -> SslMode.VERIFY_FULL;
        });
    return options;
  }

  static MySQLConnectOptions mysqlOptions(DatabaseConfig database, HostAndPort host) {
    // Every value must reach the reply as valid UTF-8, 4-byte characters included.
    MySQLConnectOptions options =
        withCommonSettings(new MySQLConnectOptions(), database, host).setCharset("utf8mb4");
    options.setSslMode(
        switch (database.tlsMode()) {
          case DISABLE -> io.vertx.mysqlclient.SslMode.DISABLED;
          case REQUIRE -> io.vertx.mysqlclient.SslMode.REQUIRED;
          case VERIFY_CA -> io.vertx.mysqlclient.SslMode.VERIFY_CA;
          case VERIFY_FULL -> io.vertx.mysqlclient.SslMode.VERIFY_IDENTITY;
        });
    return options;
  }

  /** What every network driver gets alike: address, login, statement cache, TLS trust. */
  private static <T extends SqlConnectOptions> T withCommonSettings(
      T options, DatabaseConfig database, HostAndPort host) {
    options
        .setHost(host.host())
        .setPort(host.port())
        .setDatabase(database.database())
        .setPassword(database.password().reveal())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT);
    if (!database.user().isEmpty()) {
      options.setUser(database.user());
    }
    ClientSSLOptions tls = tlsOptions(database);
    if (tls != null) {
      options.setSslOptions(tls);
    }
    return options;
  }

  private static @org.jspecify.annotations.Nullable ClientSSLOptions tlsOptions(
      DatabaseConfig database) {
    TlsMode mode = database.tlsMode();
    if (mode == TlsMode.DISABLE) {
      return null;
    }
    ClientSSLOptions tls = new ClientSSLOptions();
    Path ca = database.tlsCaFile();
    if (mode == TlsMode.REQUIRE) {
      tls.setTrustAll(true);
    } else if (ca != null) {
      tls.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
    }
    tls.setHostnameVerificationAlgorithm(mode == TlsMode.VERIFY_FULL ? "HTTPS" : "");
    return tls;
  }
}
