package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.Secret;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.testing.DatabaseExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite pool must run its blocking JDBC calls on worker threads, never on an event loop. */
class JdbcThreadTest {
  @TempDir Path temp;

  @Test
  void jdbcCallsRunOnWorkerThreads() throws Exception {
    Path file = temp.resolve("t.db");
    Path script = temp.resolve("seed.sql");
    Files.writeString(script, "CREATE TABLE t (k TEXT, v TEXT); INSERT INTO t VALUES ('a', 'x');");
    SqliteInitializer.initialize(file, script);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    DataSource real = PoolFactory.sqliteDataSource(file);
    DataSource recording =
        (DataSource)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  Object result = invoke(method, real, args);
                  if (result instanceof Connection connection) {
                    return recordingConnection(connection, threads);
                  }
                  return result;
                });
    DatabaseConfig config =
        DatabaseExtension.config(DatabaseType.SQLITE, List.of(), "", "", Secret.none(), file);
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PoolFactory.sqlite(vertx, config, recording);
      SqlExecutor executor = new PoolExecutor(vertx, config, pool, Future.succeededFuture());
      SqlMap map =
          LookupChain.sqlMap(
              new MapConfig(
                  "m",
                  "t",
                  "SELECT v FROM t WHERE k = '%s'",
                  "%s",
                  List.of(),
                  0,
                  true,
                  "",
                  List.of(),
                  null,
                  true,
                  List.of()),
              SqlDialect.SQLITE,
              executor,
              io.sockmapd.config.Limits.DEFAULT_MAX_REPLY_SIZE);
      // Issue the lookup from an event loop, as the server does.
      Promise<LookupResult> answer = Promise.promise();
      vertx.runOnContext(x -> map.lookup("a").whenComplete((r, e) -> answer.complete(r)));
      LookupResult result = answer.future().await(30, TimeUnit.SECONDS);
      assertThat(result).isEqualTo(LookupResult.found("x"));
      executor.close(Duration.ofSeconds(5)).await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    assertThat(threads).isNotEmpty().noneMatch(name -> name.contains("eventloop"));
  }

  private static Connection recordingConnection(Connection real, Set<String> threads) {
    return (Connection)
        Proxy.newProxyInstance(
            JdbcThreadTest.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              threads.add(Thread.currentThread().getName());
              return invoke(method, real, args);
            });
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
