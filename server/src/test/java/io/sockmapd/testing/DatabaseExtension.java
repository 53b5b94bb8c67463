package io.sockmapd.testing;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.Secret;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Supplies each test class with its own freshly created, uniquely named database per engine, and
 * drops it after the class.
 *
 * <p>PostgreSQL and MariaDB/MySQL servers are found in this order:
 *
 * <ol>
 *   <li>an admin URI in the environment ({@code SOCKMAPD_TEST_PG_URI}, e.g. {@code
 *       postgresql://postgres@127.0.0.1:5432/postgres}; {@code SOCKMAPD_TEST_MYSQL_URI}, e.g.
 *       {@code mysql://root@127.0.0.1:3306/test}), used to {@code CREATE DATABASE};
 *   <li>else a container shared by the whole run ({@link ContainerDatabases}) when a Docker engine
 *       answers;
 *   <li>else the test is skipped, except under {@code CI=true}, where a missing database fails it.
 * </ol>
 *
 * SQLite always runs, on a temporary file.
 *
 * <p>Register as a static field: {@code @RegisterExtension static final DatabaseExtension DBS = new
 * DatabaseExtension();}, then call {@link #get} in each (parameterised) test.
 */
public final class DatabaseExtension implements AfterAllCallback {
  public static final String PG_URI = "SOCKMAPD_TEST_PG_URI";
  public static final String MYSQL_URI = "SOCKMAPD_TEST_MYSQL_URI";

  private final Vertx vertx = Vertx.vertx();
  private final Map<DatabaseType, TestDatabase> databases = new EnumMap<>(DatabaseType.class);
  private final List<Runnable> cleanups = new ArrayList<>();

  /** All SQL engines, for {@code @MethodSource} (http is no database these tests can create). */
  public static Stream<DatabaseType> types() {
    return Stream.of(DatabaseType.values()).filter(DatabaseType::isSql);
  }

  /** The network engines, for tests of TCP behaviour. */
  public static Stream<DatabaseType> networkTypes() {
    return Stream.of(DatabaseType.POSTGRESQL, DatabaseType.MYSQL);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** This class's database of {@code type}, created on first use; skips (or fails on CI). */
  public synchronized TestDatabase get(DatabaseType type) {
    TestDatabase existing = databases.get(type);
    if (existing != null) {
      return existing;
    }
    TestDatabase created =
        switch (type) {
          case SQLITE -> sqlite();
          case POSTGRESQL -> network(type, PG_URI);
          case MYSQL -> network(type, MYSQL_URI);
          case HTTP -> throw new IllegalArgumentException("not a SQL database");
        };
    databases.put(type, created);
    return created;
  }

  private TestDatabase sqlite() {
    try {
      Path folder = Files.createTempDirectory("sockmapd-test");
      cleanups.add(() -> deleteTree(folder));
      return new TestDatabase(
          vertx,
          config(DatabaseType.SQLITE, List.of(), "", "", Secret.none(), folder.resolve("t.db")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private TestDatabase network(DatabaseType type, String variable) {
    SqlConnectOptions admin = adminOptions(type, variable);
    String name = "sockmapd_t_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    Pool adminPool =
        (type == DatabaseType.POSTGRESQL ? PgBuilder.pool() : MySQLBuilder.pool())
            .connectingTo(admin)
            .using(vertx)
            .build();
    TestDatabase.await(adminPool.query("CREATE DATABASE " + name).execute());
    String drop =
        "DROP DATABASE IF EXISTS "
            + name
            + (type == DatabaseType.POSTGRESQL ? " WITH (FORCE)" : "");
    cleanups.add(
        () -> {
          TestDatabase.await(adminPool.query(drop).execute());
          TestDatabase.await(adminPool.close());
        });
    return new TestDatabase(
        vertx,
        config(
            type,
            List.of(new HostAndPort(admin.getHost(), admin.getPort())),
            name,
            admin.getUser(),
            Secret.of(admin.getPassword() == null ? "" : admin.getPassword()),
            null));
  }

  /** The server to create databases in: the environment's URI, else a container, else none. */
  private static SqlConnectOptions adminOptions(DatabaseType type, String variable) {
    String uri = System.getenv(variable);
    if (uri != null && !uri.isBlank()) {
      return type == DatabaseType.POSTGRESQL
          ? PgConnectOptions.fromUri(uri)
          : MySQLConnectOptions.fromUri(uri);
    }
    if (ContainerDatabases.dockerAnswers()) {
      return ContainerDatabases.admin(type);
    }
    String message =
        type.configName() + " not available: set " + variable + " or start a Docker engine";
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(message + " (CI=true: a missing database is a failure)");
    }
    throw new TestAbortedException(message);
  }

  /** A database config with the project defaults, named {@code test}. */
  public static DatabaseConfig config(
      DatabaseType type,
      List<HostAndPort> hosts,
      String database,
      String user,
      Secret password,
      @org.jspecify.annotations.Nullable Path path) {
    return DatabaseConfig.withDefaults("test", type, hosts, database, user, password, path);
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    try {
      databases.values().forEach(TestDatabase::close);
      // Drop in reverse order of creation; the pools above are closed first.
      for (int i = cleanups.size() - 1; i >= 0; i--) {
        cleanups.get(i).run();
      }
    } finally {
      databases.clear();
      cleanups.clear();
      TestDatabase.await(vertx.close());
    }
  }

  static void deleteTree(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
