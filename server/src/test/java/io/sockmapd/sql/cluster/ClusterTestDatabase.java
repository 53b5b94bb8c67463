package io.sockmapd.sql.cluster;

import io.sockmapd.config.DatabaseType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnectOptions;
import io.vertx.sqlclient.SqlConnection;
import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A randomly named scratch database on the real PostgreSQL or MariaDB server named by {@code
 * SOCKMAPD_TEST_PG_URI} / {@code SOCKMAPD_TEST_MYSQL_URI}, holding {@value #ROWS} keys {@code
 * key-N} with the value {@code value-N}. A missing variable skips the test, except under {@code
 * CI=true}, where it fails it.
 */
final class ClusterTestDatabase implements AutoCloseable {
  static final int ROWS = 200;

  final DatabaseType type;
  final String host;
  final int port;
  final String user;
  final String name;
  private final Vertx vertx;

  private ClusterTestDatabase(Vertx vertx, DatabaseType type, URI uri) {
    this.vertx = vertx;
    this.type = type;
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : type.defaultPort();
    this.user = uri.getUserInfo() == null ? "" : uri.getUserInfo();
    this.name =
        ("sockmapd_cluster_" + UUID.randomUUID().toString().substring(0, 8))
            .toLowerCase(Locale.ROOT);
  }

  static ClusterTestDatabase create(Vertx vertx, DatabaseType type) {
    String variable =
        type == DatabaseType.POSTGRESQL ? "SOCKMAPD_TEST_PG_URI" : "SOCKMAPD_TEST_MYSQL_URI";
    String uri = System.getenv(variable);
    if (uri == null || uri.isBlank()) {
      String why = variable + " is not set";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(why);
      }
      Assumptions.abort(why);
    }
    ClusterTestDatabase db = new ClusterTestDatabase(vertx, type, URI.create(uri));
    db.runOn(db.adminDatabase(URI.create(uri)), "CREATE DATABASE " + db.name);
    StringBuilder insert = new StringBuilder("INSERT INTO kv (k, v) VALUES ");
    for (int i = 0; i < ROWS; i++) {
      insert.append(i == 0 ? "" : ",").append("('key-").append(i).append("','value-");
      insert.append(i).append("')");
    }
    db.runOn(
        db.name, "CREATE TABLE kv (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64))", insert.toString());
    return db;
  }

  private String adminDatabase(URI uri) {
    String path = uri.getPath();
    return path == null || path.length() <= 1 ? "" : path.substring(1);
  }

  /** The lookup statement in this engine's placeholder syntax. */
  String lookupSql() {
    return type == DatabaseType.POSTGRESQL
        ? "SELECT v FROM kv WHERE k = $1"
        : "SELECT v FROM kv WHERE k = ?";
  }

  /** A statement that answers only after {@code seconds}. */
  String sleepSql(double seconds) {
    return type == DatabaseType.POSTGRESQL
        ? "SELECT pg_sleep(" + seconds + ")::text AS v"
        : "SELECT CAST(SLEEP(" + seconds + ") AS CHAR) AS v";
  }

  private void runOn(String database, String... statements) {
    Future<SqlConnection> connecting =
        type == DatabaseType.POSTGRESQL
            ? PgConnection.connect(
                    vertx, (PgConnectOptions) options(new PgConnectOptions(), database))
                .map(c -> (SqlConnection) c)
            : MySQLConnection.connect(
                    vertx, (MySQLConnectOptions) options(new MySQLConnectOptions(), database))
                .map(c -> (SqlConnection) c);
    SqlConnection connection = await(connecting);
    try {
      for (String sql : statements) {
        await(connection.query(sql).execute());
      }
    } finally {
      await(connection.close());
    }
  }

  private SqlConnectOptions options(SqlConnectOptions options, String database) {
    options.setHost(host).setPort(port).setUser(user).setDatabase(database);
    return options;
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    String admin = type == DatabaseType.POSTGRESQL ? "postgres" : "";
    String drop =
        type == DatabaseType.POSTGRESQL
            ? "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"
            : "DROP DATABASE IF EXISTS " + name;
    runOn(admin, drop);
  }
}
