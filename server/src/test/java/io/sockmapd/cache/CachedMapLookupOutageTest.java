package io.sockmapd.cache;

import static io.sockmapd.testing.FaultProxyPostgres.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.CacheConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.testing.FaultProxy;
import io.sockmapd.testing.FaultProxyPostgres;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stale-if-error while a real PostgreSQL becomes unreachable behind a {@link FaultProxy}. */
class CachedMapLookupOutageTest {
  private static final Duration TTL = Duration.ofSeconds(60);
  private static final CacheConfig CONFIG = new CacheConfig(TTL, TTL, 1000, Duration.ofMinutes(10));

  private static FaultProxyPostgres db;

  @BeforeAll
  static void database() {
    db = FaultProxyPostgres.create("cache");
    db.execute("CREATE TABLE users (k text PRIMARY KEY, v text NOT NULL)");
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  /**
   * Just enough of a SQL map for this test (the real one lives in the SQL layer): one query with a
   * deadline; a deadline miss is TIMEOUT, any other failure TEMP. Records what the database said.
   */
  private static final class PgMap implements MapLookup {
    private final Pool pool;
    private final List<SocketmapStatus> answers = new CopyOnWriteArrayList<>();

    PgMap(Pool pool) {
      this.pool = pool;
    }

    @Override
    public CompletionStage<LookupResult> lookup(String key) {
      return pool.preparedQuery("SELECT v FROM users WHERE k = $1")
          .execute(Tuple.of(key))
          .timeout(500, TimeUnit.MILLISECONDS)
          .map(
              rows -> {
                RowIterator<Row> it = rows.iterator();
                return it.hasNext()
                    ? LookupResult.found(it.next().getString(0))
                    : LookupResult.notFound();
              })
          .otherwise(
              failure ->
                  failure instanceof TimeoutException
                      ? LookupResult.timeout("query deadline")
                      : LookupResult.temp("database unavailable"))
          .andThen(done -> answers.add(done.result().status()))
          .toCompletionStage();
    }
  }

  private static LookupResult lookup(MapLookup map, String key) {
    try {
      return map.lookup(key).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void fault(FaultProxy proxy, FaultProxy.Mode mode) {
    switch (mode) {
      case REFUSE -> proxy.refuse();
      case RESET -> proxy.reset();
      case BLACKHOLE -> proxy.blackhole();
      default -> throw new IllegalArgumentException(mode.name());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = FaultProxy.Mode.class,
      names = {"REFUSE", "RESET", "BLACKHOLE"})
  void outageIsAnsweredFromTheCacheAndNeverAsAMiss(FaultProxy.Mode mode) {
    String known = "alice-" + mode;
    String unknown = "nobody-" + mode;
    String uncached = "bob-" + mode;
    db.execute("INSERT INTO users VALUES ('" + known + "', 'old'), ('" + uncached + "', 'b')");
    ManualTicker clock = new ManualTicker();
    try (FaultProxy proxy = FaultProxy.start(FaultProxyPostgres.HOST, FaultProxyPostgres.PORT)) {
      Pool pool =
          PgBuilder.pool()
              .with(new PoolOptions().setMaxSize(2))
              .connectingTo(db.options(proxy.host(), proxy.port()))
              .using(db.vertx())
              .build();
      try {
        PgMap pg = new PgMap(pool);
        CachedMapLookup cache = new CachedMapLookup("users", pg, CONFIG, clock);

        assertThat(lookup(cache, known)).isEqualTo(LookupResult.found("old"));
        assertThat(lookup(cache, unknown).status()).isEqualTo(SocketmapStatus.NOTFOUND);
        // The data changes and the cached answers expire: a fresh lookup would now see "new".
        db.execute("UPDATE users SET v = 'new' WHERE k = '" + known + "'");
        clock.advance(TTL.plusSeconds(1));

        fault(proxy, mode);
        pg.answers.clear();

        assertThat(lookup(cache, known)).as("stale answer").isEqualTo(LookupResult.found("old"));
        assertThat(lookup(cache, unknown).status()).isEqualTo(SocketmapStatus.NOTFOUND);
        LookupResult outage = lookup(cache, uncached);
        assertThat(outage.status()).isIn(SocketmapStatus.TEMP, SocketmapStatus.TIMEOUT);
        assertThat(pg.answers)
            .as("the database really was unreachable for every lookup")
            .hasSize(3)
            .allMatch(s -> s == SocketmapStatus.TEMP || s == SocketmapStatus.TIMEOUT);

        proxy.forward();

        Awaitility.await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> lookup(cache, known).equals(LookupResult.found("new")));
        assertThat(lookup(cache, uncached)).isEqualTo(LookupResult.found("b"));
      } finally {
        await(pool.close());
      }
    }
  }
}
