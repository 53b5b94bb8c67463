package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.cluster.NodeStateListener;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.Limits;
import io.sockmapd.config.MapConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.cluster.ClusterExecutor;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.KvTable;
import io.sockmapd.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Statements that outlive their lookup's deadline, against real PostgreSQL, MariaDB and SQLite:
 * they are ended on the database side, one slow map cannot take the connections of the others, and
 * batching runs slow statements side by side as unbatched lookups would.
 */
class SlowStatementsTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  private static final KvTable KV = new KvTable();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);

  private Vertx vertx;
  private final List<SqlExecutor> executors = new ArrayList<>();

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    executors.forEach(e -> join(e.close(Duration.ofSeconds(5))));
    join(vertx.close());
  }

  /** {@code db}'s config with another pool size and timeouts. */
  private static DatabaseConfig config(TestDatabase db, int poolSize, Duration lookupTimeout) {
    DatabaseConfig base = db.config();
    return base.toBuilder()
        .poolSize(poolSize)
        .connectTimeout(CONNECT_TIMEOUT)
        .lookupTimeout(lookupTimeout)
        .retryInterval(Duration.ofMillis(500))
        .build();
  }

  private static SqlMap map(String name, String query, DatabaseType type, SqlExecutor executor) {
    MapConfig config =
        new MapConfig(
            name, "test", query, "%s", List.of(), 0, false, "", List.of(), null, true, List.of());
    return LookupChain.sqlMap(config, SqlDialect.of(type), executor, Limits.DEFAULT_MAX_REPLY_SIZE);
  }

  private static List<CompletableFuture<LookupResult>> lookups(SqlMap map, int count) {
    List<CompletableFuture<LookupResult>> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      started.add(map.lookup(KvTable.key(i)).toCompletableFuture());
    }
    return started;
  }

  private static LookupResult get(CompletableFuture<LookupResult> lookup) {
    try {
      return lookup.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("lookup did not complete normally", e);
    }
  }

  private static <T> T join(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Regression: a map whose table was locked kept its statements running past their deadlines, on
   * every pooled connection, so the database's other maps answered {@code TEMP no database node
   * available} although the node was up.
   */
  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void aMapStuckOnALockedTableLeavesTheOtherMapsTheirConnections(DatabaseType type) {
    TestDatabase db = KV.database(DBS, type);
    db.execute(
        "DROP TABLE IF EXISTS locked_kv; CREATE TABLE locked_kv (k VARCHAR(64), v VARCHAR(64));"
            + " INSERT INTO locked_kv (k, v) VALUES ('key-1', 'locked-1')");
    DatabaseConfig config = config(db, 4, LOOKUP_TIMEOUT);
    ConcurrentLinkedQueue<String> nodeEvents = new ConcurrentLinkedQueue<>();
    ClusterExecutor executor =
        new ClusterExecutor(
            vertx,
            config,
            node -> PoolFactory.forNode(vertx, config, node),
            new NodeStateListener() {
              @Override
              public void nodeDown(String database, HostAndPort node, String reason) {
                nodeEvents.add("down " + reason);
              }

              @Override
              public void nodeUp(String database, HostAndPort node) {
                nodeEvents.add("up");
              }
            });
    executors.add(executor);
    SqlMap stuck = map("stuck", "SELECT v FROM locked_kv WHERE k = '%s'", type, executor);
    SqlMap healthy = map("healthy", "SELECT v FROM kv WHERE k = '%s'", type, executor);

    Pool lockPool = PoolFactory.create(vertx, db.config());
    SqlConnection holder = join(lockPool.getConnection());
    try {
      if (type == DatabaseType.POSTGRESQL) {
        join(holder.query("BEGIN").execute());
        join(holder.query("LOCK TABLE locked_kv IN ACCESS EXCLUSIVE MODE").execute());
      } else {
        join(holder.query("LOCK TABLES locked_kv WRITE").execute());
      }
      long lockedAt = System.nanoTime();

      // More lookups of the stuck map than the pool has connections.
      List<CompletableFuture<LookupResult>> stuckLookups = lookups(stuck, 8);
      // While they hang, the other map still finds a connection.
      List<CompletableFuture<LookupResult>> during = lookups(healthy, 27);
      for (int i = 0; i < during.size(); i++) {
        assertThat(get(during.get(i))).isEqualTo(KvTable.expected(i));
      }
      for (CompletableFuture<LookupResult> lookup : stuckLookups) {
        assertThat(get(lookup).status()).isEqualTo(SocketmapStatus.TIMEOUT);
      }

      // The database ends the stuck statements soon after their deadlines (the lock is still
      // held): none of ours waits any more.
      await()
          .atMost(LOOKUP_TIMEOUT.plus(CONNECT_TIMEOUT).plusSeconds(3))
          .until(() -> waitingOnLock(db) == 0);
      assertThat(System.nanoTime() - lockedAt).isLessThan(TimeUnit.SECONDS.toNanos(10));

      // After the deadlines, every connection is free again: all answers right, no TEMP.
      List<CompletableFuture<LookupResult>> after = lookups(healthy, 27);
      for (int i = 0; i < after.size(); i++) {
        assertThat(get(after.get(i))).isEqualTo(KvTable.expected(i));
      }
      // A slow statement is no outage: the node stayed up.
      assertThat(nodeEvents).isEmpty();
      assertThat(executor.nodesUp()).isEqualTo(1);
    } finally {
      join(holder.query(type == DatabaseType.POSTGRESQL ? "ROLLBACK" : "UNLOCK TABLES").execute());
      join(holder.close());
      join(lockPool.close());
    }
    // And once the lock is gone, the stuck map answers again.
    assertThat(get(stuck.lookup("key-1").toCompletableFuture()))
        .isEqualTo(LookupResult.found("locked-1"));
  }

  /** Statements of this test's database still waiting on the locked table, ours or not. */
  private static long waitingOnLock(TestDatabase db) {
    String sql =
        db.type() == DatabaseType.POSTGRESQL
            ? "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND state = 'active' AND query LIKE '%locked_kv%'"
                + " AND pid <> pg_backend_pid()"
            : "SELECT count(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE()"
                + " AND COMMAND = 'Execute' AND INFO LIKE '%locked_kv%'"
                + " AND ID <> CONNECTION_ID()";
    return ((Number) db.queryValue(sql)).longValue();
  }

  /**
   * Regression: a runaway SQLite statement kept its worker thread spinning after its lookup was
   * answered TIMEOUT, and its connection taken, until a restart.
   */
  @Test
  void aRunawaySqliteStatementIsInterruptedAtItsDeadline() {
    TestDatabase db = KV.database(DBS, DatabaseType.SQLITE);
    DatabaseConfig config = config(db, 4, Duration.ofSeconds(1));
    SqlExecutor executor = LookupChain.poolExecutor(vertx, config);
    executors.add(executor);
    SqlMap runaway =
        map(
            "runaway",
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000000)"
                + " SELECT count(*) FROM c WHERE '%s' <> ''",
            DatabaseType.SQLITE,
            executor);
    SqlMap normal = map("normal", "SELECT v FROM kv WHERE k = '%s'", DatabaseType.SQLITE, executor);

    for (CompletableFuture<LookupResult> lookup : lookups(runaway, 4)) {
      assertThat(get(lookup).status()).isEqualTo(SocketmapStatus.TIMEOUT);
    }
    // The statements are interrupted: the threads that ran them go idle ...
    await().atMost(Duration.ofSeconds(15)).until(() -> busyCpuMillisPerSecond() < 200);
    // ... and every connection answers again.
    List<CompletableFuture<LookupResult>> after = lookups(normal, 16);
    for (int i = 0; i < after.size(); i++) {
      assertThat(get(after.get(i))).isEqualTo(KvTable.expected(i));
    }
  }

  /**
   * CPU time this JVM's other threads use, measured over half a second, per second. All of them,
   * not by name: which pool the JDBC client runs its calls on is its own business.
   */
  private static long busyCpuMillisPerSecond() throws InterruptedException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long before = otherThreadsCpuNanos(threads);
    long start = System.nanoTime();
    Thread.sleep(500); // a measurement window, not synchronisation
    long used = otherThreadsCpuNanos(threads) - before;
    return used * 1000 / Math.max(1, System.nanoTime() - start);
  }

  private static long otherThreadsCpuNanos(ThreadMXBean threads) {
    long self = Thread.currentThread().getId();
    long total = 0;
    for (long id : threads.getAllThreadIds()) {
      if (id != self) {
        total += Math.max(0, threads.getThreadCpuTime(id));
      }
    }
    return total;
  }

  /**
   * Regression: a batched map ran at most two statements at once, so 32 lookups of 0.3 s each (the
   * sleep is per key) went out as two batches and 31 of them timed out, where 16 connections run
   * unbatched would have answered all within 0.6 s.
   */
  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void slowLookupsRunSideBySideUpToThePoolSize(DatabaseType type) {
    TestDatabase db = KV.database(DBS, type);
    DatabaseConfig config = config(db, 16, LOOKUP_TIMEOUT);
    SqlExecutor executor = LookupChain.executor(vertx, config);
    executors.add(executor);
    // The sleep depends on the key, so it runs once per key form, also in a batch statement.
    String sleep =
        type == DatabaseType.POSTGRESQL
            ? "CAST(pg_sleep(0.3 + 0 * length('%s')) AS TEXT) = ''"
            : "SLEEP(0.3 + 0 * LENGTH('%s')) = 0";
    SqlMap slow = map("slow", "SELECT v FROM kv WHERE k = '%s' AND " + sleep, type, executor);
    assertThat(get(slow.lookup(KvTable.key(0)).toCompletableFuture()))
        .isEqualTo(KvTable.expected(0));
    await().atMost(Duration.ofSeconds(10)).until(slow::isBatching);

    long start = System.nanoTime();
    List<CompletableFuture<LookupResult>> burst = lookups(slow, 32);
    for (int i = 0; i < burst.size(); i++) {
      assertThat(get(burst.get(i))).isEqualTo(KvTable.expected(i));
    }
    System.out.printf(
        "%s: 32 lookups of 0.3 s on 16 connections answered in %d ms%n",
        type, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }
}
