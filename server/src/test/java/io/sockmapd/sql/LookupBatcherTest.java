package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.FallbackKey;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.Limits;
import io.sockmapd.config.MapConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.testing.CountingExecutor;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Natural batching of lookups ({@link LookupBatcher}) against real databases: PostgreSQL's lateral
 * form, and MySQL/MariaDB's {@code UNION ALL} form where the test is about both. The counting
 * executor holds statements back, so which lookups share a statement is certain.
 */
class LookupBatcherTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  private static final String ALIAS_QUERY = "SELECT goto FROM alias WHERE address = '%s'";

  /** PostgreSQL, for the tests about its lateral form. */
  private static TestDatabase db;

  private static final Map<DatabaseType, TestDatabase> DATABASES =
      new EnumMap<>(DatabaseType.class);

  @BeforeAll
  static void fixture() {
    db = database(DatabaseType.POSTGRESQL);
    db.execute(
        """
        CREATE TABLE padded (k CHAR(10) NOT NULL, v TEXT);
        INSERT INTO padded (k, v) VALUES ('abc', 'padded-value');
        """);
  }

  /** The engine's test database with the alias fixture, set up on first use. */
  static synchronized TestDatabase database(DatabaseType type) {
    return DATABASES.computeIfAbsent(
        type,
        t -> {
          TestDatabase created = DBS.get(t);
          created.execute(SqlMapTest.FIXTURE);
          return created;
        });
  }

  /** Key forms one batch statement takes at most on {@code type}. */
  static int maxRows(DatabaseType type) {
    return type == DatabaseType.POSTGRESQL ? LateralBatchForm.MAX_ROWS : UnionBatchForm.MAX_ROWS;
  }

  private static final List<SqlExecutor> OPENED = new ArrayList<>();

  @AfterAll
  static void closeExecutors() {
    OPENED.forEach(e -> SqlMapTest.await(e.close(Duration.ofSeconds(5))));
  }

  /**
   * An executor whose statements can be held; a held statement never counts as slow here (so which
   * lookups share a statement does not depend on the test machine's speed).
   */
  static CountingExecutor gated(DatabaseConfig config) {
    CountingExecutor executor = new CountingExecutor(LookupChain.poolExecutor(DBS.vertx(), config));
    executor.slowBatchAfter(Duration.ofHours(1));
    OPENED.add(executor);
    return executor;
  }

  static SqlMap map(SqlExecutor executor, String query, List<FallbackKey> fallbacks) {
    return map(executor, query, fallbacks, SqlDialect.POSTGRESQL);
  }

  static SqlMap map(
      SqlExecutor executor, String query, List<FallbackKey> fallbacks, SqlDialect dialect) {
    return map(executor, query, fallbacks, dialect, Limits.DEFAULT_MAX_REPLY_SIZE);
  }

  static SqlMap map(
      SqlExecutor executor,
      String query,
      List<FallbackKey> fallbacks,
      SqlDialect dialect,
      int maxReplySize) {
    MapConfig config =
        new MapConfig(
            "m", "test", query, "%s", List.of(), 0, true, "+", fallbacks, null, true, List.of());
    return LookupChain.sqlMap(config, dialect, executor, maxReplySize);
  }

  static LookupResult get(CompletableFuture<LookupResult> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("lookup did not complete normally", e);
    }
  }

  static CompletableFuture<LookupResult> start(SqlMap map, String key) {
    return map.lookup(key).toCompletableFuture();
  }

  /** One lookup (answered with the plain query), then waits until the batch statement is ready. */
  static void warmUp(SqlMap map) {
    get(start(map, "warm-up@example.com"));
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(map::isBatching);
  }

  /** Statements {@link #fillSlots} holds: a map runs one while it is not slow. */
  static final int HELD = 1;

  /** Occupies the map's statement with a lookup stuck at the closed gate. */
  static List<CompletableFuture<LookupResult>> fillSlots(CountingExecutor executor, SqlMap map) {
    executor.hold();
    List<CompletableFuture<LookupResult>> running = new ArrayList<>();
    for (int i = 0; i < HELD; i++) {
      running.add(start(map, "slot" + i + "@example.com"));
    }
    return running;
  }

  /** Starts {@code count} lookups: even ones for the known user, odd ones each for another miss. */
  static List<CompletableFuture<LookupResult>> startUserAndMisses(SqlMap map, int count) {
    List<CompletableFuture<LookupResult>> lookups = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lookups.add(start(map, i % 2 == 0 ? "user@example.com" : "x" + i + "@example.com"));
    }
    return lookups;
  }

  /** Even lookups asked for the known user, odd ones for unknown addresses. */
  static void assertUserAndMisses(List<CompletableFuture<LookupResult>> lookups) {
    for (int i = 0; i < lookups.size(); i++) {
      assertThat(get(lookups.get(i)))
          .as("lookup %d", i)
          .isEqualTo(i % 2 == 0 ? LookupResult.found("u1@dest.example") : LookupResult.notFound());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void queuedLookupsShareOneStatementAndEachGetsItsOwnRows(DatabaseType type) {
    CountingExecutor executor = gated(database(type).config());
    SqlMap map = map(executor, ALIAS_QUERY, List.of(), SqlDialect.of(type));
    warmUp(map);
    assertThat(executor.statements()).isEqualTo(1);
    List<CompletableFuture<LookupResult>> running = fillSlots(executor, map);

    Map<String, LookupResult> expected = new LinkedHashMap<>();
    expected.put("user@example.com", LookupResult.found("u1@dest.example"));
    expected.put("multi@example.com", LookupResult.found("a@dest.example,b@dest.example"));
    expected.put("nullonly@example.com", LookupResult.notFound());
    expected.put("nobody@example.com", LookupResult.notFound());
    expected.put("USER@example.com", LookupResult.found("u1@dest.example")); // folded
    expected.put("o'brien@example.com", LookupResult.found("ob@dest.example"));
    Map<String, CompletableFuture<LookupResult>> queued = new LinkedHashMap<>();
    for (int round = 0; round < 10; round++) {
      for (String key : expected.keySet()) {
        queued.put(key + "#" + round, start(map, key));
      }
    }
    executor.release();
    running.forEach(f -> assertThat(get(f)).isEqualTo(LookupResult.notFound()));
    queued.forEach(
        (key, future) ->
            assertThat(get(future))
                .as(key)
                .isEqualTo(expected.get(key.substring(0, key.indexOf('#')))));
    // Warm-up, one per held slot, then the 60 queued lookups in one statement (on MySQL one for
    // 64 forms, whose 4 spare copies must not answer anything).
    assertThat(executor.statements()).isEqualTo(1 + HELD + 1);
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void batchesAreCappedInKeyForms(DatabaseType type) {
    CountingExecutor executor = gated(database(type).config());
    SqlMap map = map(executor, ALIAS_QUERY, List.of(), SqlDialect.of(type));
    warmUp(map);
    List<CompletableFuture<LookupResult>> running = fillSlots(executor, map);
    List<CompletableFuture<LookupResult>> queued = startUserAndMisses(map, maxRows(type) * 2 + 1);
    executor.release();
    running.forEach(LookupBatcherTest::get);
    assertUserAndMisses(queued);
    assertThat(executor.statements()).isEqualTo(1 + HELD + 3);
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void fallbackFormsInPrecedenceOrderPerLookup(DatabaseType type) {
    CountingExecutor executor = gated(database(type).config());
    SqlMap map =
        map(
            executor,
            ALIAS_QUERY,
            List.of(FallbackKey.USER_AT_DOMAIN, FallbackKey.USER, FallbackKey.AT_DOMAIN),
            SqlDialect.of(type));
    warmUp(map);
    List<CompletableFuture<LookupResult>> running = fillSlots(executor, map);
    Map<String, LookupResult> expected = new LinkedHashMap<>();
    expected.put("user@example.com", LookupResult.found("u1@dest.example"));
    expected.put("base+tag@example.com", LookupResult.found("base@dest.example"));
    expected.put("stranger@example.com", LookupResult.found("catchall@dest.example"));
    expected.put("nullonly@example.com", LookupResult.found("catchall@dest.example"));
    expected.put("nobody@example.net", LookupResult.notFound());
    Map<String, CompletableFuture<LookupResult>> queued = new LinkedHashMap<>();
    expected.keySet().forEach(key -> queued.put(key, start(map, key)));
    executor.release();
    running.forEach(LookupBatcherTest::get);
    queued.forEach((key, future) -> assertThat(get(future)).as(key).isEqualTo(expected.get(key)));
    assertThat(executor.statements()).isEqualTo(1 + HELD + 1);
  }

  /** A query ending in a line comment still batches: the comment must not swallow the wrapper. */
  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void aQueryEndingInACommentIsBatched(DatabaseType type) {
    CountingExecutor executor = gated(database(type).config());
    String comment = type == DatabaseType.MYSQL ? " # active only" : " -- active only";
    SqlMap map = map(executor, ALIAS_QUERY + comment, List.of(), SqlDialect.of(type));
    warmUp(map);
    List<CompletableFuture<LookupResult>> running = fillSlots(executor, map);
    List<CompletableFuture<LookupResult>> queued = startUserAndMisses(map, 10);
    executor.release();
    running.forEach(LookupBatcherTest::get);
    assertUserAndMisses(queued);
    assertThat(executor.statements()).isEqualTo(1 + HELD + 1);
  }

  /**
   * {@code ORDER BY} inside a literal or a comment orders nothing: such a query is batched on MySQL
   * too.
   */
  @Test
  void anOrderByInALiteralOrCommentDoesNotStopBatching() {
    CountingExecutor executor = gated(database(DatabaseType.MYSQL).config());
    SqlMap map =
        map(
            executor,
            "SELECT goto FROM alias WHERE address = '%s' AND goto <> 'order by' -- order by goto",
            List.of(),
            SqlDialect.MYSQL);
    warmUp(map);
    assertThat(map.isBatching()).isTrue();
  }

  @Test
  void severalParametersAndTheirInferredTypesAreKept() {
    CountingExecutor executor = gated(db.config());
    // char(n) compares without trailing blanks: a text comparison would miss "abc ".
    SqlMap withDomain = map(executor, "SELECT v || '@%d' FROM padded WHERE k = '%u'", List.of());
    warmUp(withDomain);
    List<CompletableFuture<LookupResult>> running = fillSlots(executor, withDomain);
    CompletableFuture<LookupResult> exact = start(withDomain, "abc@one.example");
    CompletableFuture<LookupResult> blank = start(withDomain, "abc @two.example");
    CompletableFuture<LookupResult> other = start(withDomain, "abd@one.example");
    int before = executor.statements();
    executor.release();
    running.forEach(LookupBatcherTest::get);
    assertThat(get(exact)).isEqualTo(LookupResult.found("padded-value@one.example"));
    assertThat(get(blank)).isEqualTo(LookupResult.found("padded-value@two.example"));
    assertThat(get(other)).isEqualTo(LookupResult.notFound());
    assertThat(executor.statements() - before).isEqualTo(HELD + 1);
  }

  @Test
  void aKeyTheDatabaseRefusesFailsOnlyItsOwnLookup() {
    CountingExecutor executor = gated(db.config());
    // Division by zero for one key only: the batch fails, each lookup is retried alone.
    SqlMap map =
        map(
            executor,
            "SELECT goto FROM alias WHERE address = '%s' UNION ALL SELECT NULL"
                + " WHERE 1 / (CASE WHEN '%s' = 'boom@example.com' THEN 0 ELSE 1 END) = 0",
            List.of());
    warmUp(map);
    List<CompletableFuture<LookupResult>> running = fillSlots(executor, map);
    CompletableFuture<LookupResult> hit = start(map, "user@example.com");
    CompletableFuture<LookupResult> boom = start(map, "boom@example.com");
    CompletableFuture<LookupResult> miss = start(map, "nobody@example.com");
    executor.release();
    running.forEach(LookupBatcherTest::get);
    assertThat(get(hit)).isEqualTo(LookupResult.found("u1@dest.example"));
    assertThat(get(boom).status()).isEqualTo(SocketmapStatus.TEMP);
    assertThat(get(miss)).isEqualTo(LookupResult.notFound());
    // The failed batch, then each of its three lookups alone.
    assertThat(executor.statements()).isEqualTo(1 + HELD + 1 + 3);
  }

  /**
   * A key that is no value of the column's type (a host name in an {@code inet} lookup) fails the
   * batch statement; each lookup is then retried alone, so the valid keys of that batch still get
   * their answers, and only the bad one gets Postfix's answer for it (an error: TEMP).
   */
  @Test
  void aKeyThatIsNoValueOfTheColumnsTypeFailsOnlyItsOwnLookup() {
    db.execute(
        "CREATE TABLE IF NOT EXISTS nets (net INET NOT NULL, id INTEGER NOT NULL, v TEXT);"
            + " INSERT INTO nets VALUES ('10.0.0.0/8', 10, 'ten'), ('192.0.2.0/24', 192, 'doc');");
    for (String query :
        List.of(
            "SELECT v FROM nets WHERE net >>= '%s' ORDER BY v",
            "SELECT v FROM nets WHERE id = %s")) {
      CountingExecutor executor = gated(db.config());
      SqlMap map = map(executor, query, List.of());
      boolean inet = query.contains("net >>=");
      // The first lookup runs the plain statement: a valid key must match there too.
      assertThat(get(start(map, inet ? "10.9.9.9" : "10"))).isEqualTo(LookupResult.found("ten"));
      warmUp(map);
      List<CompletableFuture<LookupResult>> running = fillSlots(executor, map);
      CompletableFuture<LookupResult> ten = start(map, inet ? "10.1.2.3" : "10");
      CompletableFuture<LookupResult> bad = start(map, inet ? "mail.example.com" : "abc");
      CompletableFuture<LookupResult> doc = start(map, inet ? "192.0.2.7" : "192");
      CompletableFuture<LookupResult> miss = start(map, inet ? "172.16.0.1" : "7");
      executor.release();
      running.forEach(LookupBatcherTest::get);
      assertThat(get(ten)).as(query).isEqualTo(LookupResult.found("ten"));
      assertThat(get(doc)).as(query).isEqualTo(LookupResult.found("doc"));
      assertThat(get(miss)).as(query).isEqualTo(LookupResult.notFound());
      assertThat(get(bad))
          .as(query)
          .isEqualTo(LookupResult.temp("database error (SQLSTATE 22P02)"));
    }
  }

  /**
   * In a batch, each lookup's answer is bounded on its own: one key whose rows would not fit in a
   * reply gets {@code TEMP reply too large}, and the keys beside it in the same statement their
   * values.
   */
  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void eachLookupInABatchIsBoundedByTheReplyLimit(DatabaseType type) {
    CountingExecutor executor = gated(database(type).config());
    SqlMap map =
        map(
            executor,
            "SELECT goto FROM alias WHERE address LIKE '%s'",
            List.of(),
            SqlDialect.of(type),
            "OK a@dest.example,b@dest.example".length());
    warmUp(map);
    List<CompletableFuture<LookupResult>> running = fillSlots(executor, map);
    CompletableFuture<LookupResult> everything = start(map, "%");
    CompletableFuture<LookupResult> multi = start(map, "multi@example.com");
    CompletableFuture<LookupResult> user = start(map, "user@example.com");
    CompletableFuture<LookupResult> allAgain = start(map, "%@%");
    executor.release();
    running.forEach(LookupBatcherTest::get);
    assertThat(get(everything)).isEqualTo(LookupResult.temp("reply too large"));
    assertThat(get(allAgain)).isEqualTo(LookupResult.temp("reply too large"));
    assertThat(get(user)).isEqualTo(LookupResult.found("u1@dest.example"));
    assertThat(get(multi).status()).isEqualTo(SocketmapStatus.OK);
    assertThat(executor.statements()).isEqualTo(1 + HELD + 1);
  }

  @Test
  void aBatchLostWithItsConnectionAnswersEveryLookupAlike() {
    CountingExecutor executor = gated(db.config());
    SqlMap map = map(executor, ALIAS_QUERY, List.of());
    warmUp(map);
    List<CompletableFuture<LookupResult>> running = fillSlots(executor, map);
    List<CompletableFuture<LookupResult>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queued.add(start(map, "user@example.com"));
    }
    executor.failWith(new java.net.SocketException("Connection reset"));
    executor.release();
    for (CompletableFuture<LookupResult> future : queued) {
      assertThat(get(future)).isEqualTo(LookupResult.temp("database connection failed"));
    }
    running.forEach(f -> assertThat(get(f).status()).isEqualTo(SocketmapStatus.TEMP));
    // Not retried one by one: an outage is every lookup's answer.
    assertThat(executor.statements()).isEqualTo(1);
  }

  @Test
  void queuedLookupsGetTheirOwnDeadlineAndExactlyOneAnswer() {
    DatabaseConfig quick =
        db.config(
            Duration.ofMillis(300), db.config().hosts(), DatabaseConfig.DEFAULT_MAX_IN_FLIGHT);
    CountingExecutor executor = gated(quick);
    SqlMap map = map(executor, ALIAS_QUERY, List.of());
    warmUp(map);
    List<CompletableFuture<LookupResult>> running = fillSlots(executor, map);
    CompletableFuture<LookupResult> queued = start(map, "user@example.com");
    LookupResult timeout = LookupResult.timeout("database did not answer in time");
    await().atMost(Duration.ofSeconds(10)).until(queued::isDone);
    assertThat(get(queued)).isEqualTo(timeout);
    running.forEach(f -> assertThat(get(f)).isEqualTo(timeout));
    executor.release();
    // The held statements now run; their late answers are dropped, and the expired queued
    // lookup is never sent.
    await().atMost(Duration.ofSeconds(10)).until(() -> executor.statements() == 1 + HELD);
    assertThat(get(queued)).isEqualTo(timeout);
    // The map goes on working.
    assertThat(get(start(map, "user@example.com")))
        .isEqualTo(LookupResult.found("u1@dest.example"));
    assertThat(executor.statements()).isEqualTo(1 + HELD + 1);
  }

  /**
   * Lookups whose deadline passed while they waited behind a hung statement are answered; they must
   * no longer count toward {@code max_in_flight}, or a map would refuse every new lookup with "too
   * many lookups in flight" for as long as the statement hangs.
   */
  @Test
  void expiredWaitingLookupsDoNotCountTowardTheLimit() {
    DatabaseConfig quick = db.config(Duration.ofSeconds(1), db.config().hosts(), 4);
    CountingExecutor executor = gated(quick);
    SqlMap map = map(executor, ALIAS_QUERY, List.of());
    warmUp(map);
    List<CompletableFuture<LookupResult>> running = fillSlots(executor, map);
    List<CompletableFuture<LookupResult>> waiting = startUserAndMisses(map, 4);
    LookupResult timeout = LookupResult.timeout("database did not answer in time");
    for (CompletableFuture<LookupResult> lookup : waiting) {
      assertThat(get(lookup)).isEqualTo(timeout);
    }
    // The statement still hangs; a new lookup waits for its turn instead of being refused.
    CompletableFuture<LookupResult> next = start(map, "user@example.com");
    assertThat(next).isNotDone();
    executor.release();
    running.forEach(f -> assertThat(get(f)).isEqualTo(timeout));
    assertThat(get(next)).isIn(LookupResult.found("u1@dest.example"), timeout);
  }

  @Test
  void aQueryWithoutABatchFormRunsOneStatementPerLookup() {
    CountingExecutor executor = gated(db.config());
    // A data-modifying statement can't be a lateral subquery; as a plain query it answers.
    SqlMap map =
        map(
            executor,
            "UPDATE alias SET goto = goto WHERE address = '%s' RETURNING goto",
            List.of());
    assertThat(get(start(map, "user@example.com")))
        .isEqualTo(LookupResult.found("u1@dest.example"));
    List<CompletableFuture<LookupResult>> lookups = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      lookups.add(start(map, i % 2 == 0 ? "user@example.com" : "nobody@example.com"));
    }
    assertUserAndMisses(lookups);
    assertThat(executor.statements()).isEqualTo(11);
  }

  @Test
  void aBatchOnAFailedNodeIsRetriedOnTheNextOne() {
    // A cluster whose first node refuses connections: the batch goes to the second node.
    DatabaseConfig cluster =
        db.config(
            Duration.ofSeconds(5),
            List.of(new HostAndPort("127.0.0.1", 1), db.config().hosts().get(0)),
            DatabaseConfig.DEFAULT_MAX_IN_FLIGHT);
    SqlExecutor executor = LookupChain.executor(DBS.vertx(), cluster);
    OPENED.add(executor);
    SqlMap map = map(executor, ALIAS_QUERY, List.of());
    List<CompletableFuture<LookupResult>> lookups = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      lookups.add(start(map, i % 2 == 0 ? "user@example.com" : "nobody@example.com"));
    }
    assertUserAndMisses(lookups);
  }

  /**
   * A second statement starts only when the running one is slow; then each new lookup gets one of
   * its own, up to the map's share of the pool (4 connections: 3), as unbatched lookups would.
   */
  @Test
  void moreStatementsStartOnlyWhenTheRunningOneIsSlow() {
    CountingExecutor executor = gated(db.config());
    executor.slowBatchAfter(Duration.ofMillis(300));
    SqlMap map = map(executor, ALIAS_QUERY, List.of());
    warmUp(map);
    executor.hold();
    CompletableFuture<LookupResult> first = start(map, "user@example.com");
    CompletableFuture<LookupResult> waiting = start(map, "nobody@example.com");
    // The first statement is fresh: the second lookup waits to share the next one.
    assertThat(executor.requested()).isEqualTo(2);
    // Once the first is slow, the waiting lookup goes out on its own, without a new arrival.
    await().atMost(Duration.ofSeconds(10)).until(() -> executor.requested() == 3);
    // While they are slow, a new lookup goes out at once, up to three statements ...
    CompletableFuture<LookupResult> third = start(map, "user@example.com");
    assertThat(executor.requested()).isEqualTo(4);
    // ... and a fourth waits: the last connection is left to the database's other maps.
    CompletableFuture<LookupResult> fourth = start(map, "nobody@example.com");
    assertThat(executor.requested()).isEqualTo(4);
    executor.release();
    assertThat(get(first)).isEqualTo(LookupResult.found("u1@dest.example"));
    assertThat(get(waiting)).isEqualTo(LookupResult.notFound());
    assertThat(get(third)).isEqualTo(LookupResult.found("u1@dest.example"));
    assertThat(get(fourth)).isEqualTo(LookupResult.notFound());
    assertThat(executor.requested()).isEqualTo(5);
  }

  @Test
  void theBatchStatementGetsACachedGenericPlan() {
    // A table large enough that an index scan per key has a real cost (on a tiny table every
    // plan costs about the same, and the generic one is kept either way).
    db.execute(
        """
        DROP TABLE IF EXISTS many_aliases;
        CREATE TABLE many_aliases (address TEXT PRIMARY KEY, goto TEXT NOT NULL);
        INSERT INTO many_aliases SELECT 'user' || i || '@example.com', 'box' || i
          FROM generate_series(1, 20000) AS i;
        ANALYZE many_aliases;
        """);
    String sql =
        LateralBatchForm.statement(
            QueryTemplate.parse(
                "SELECT goto FROM many_aliases WHERE address = '%s'", SqlDialect.POSTGRESQL),
            List.of("text"));
    // PostgreSQL tries custom plans five times, then keeps the generic plan only if it does not
    // look costlier. Were the array's length visible to the planner, a custom plan for one key
    // would always look cheaper, and every batch would be planned anew.
    Row plans =
        db.withConnection(
            c ->
                c.prepare(sql)
                    .compose(
                        statement -> {
                          Future<?> runs = Future.succeededFuture();
                          for (int i = 0; i < 8; i++) {
                            Tuple key = Tuple.of(new String[] {"user" + i + "@example.com"});
                            runs = runs.compose(v -> statement.query().execute(key));
                          }
                          return runs;
                        })
                    .compose(
                        v ->
                            c.preparedQuery(
                                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                                        + " WHERE statement = $1")
                                .execute(Tuple.of(sql)))
                    .map(rows -> rows.iterator().next()));
    assertThat(plans.getLong("generic_plans")).isGreaterThanOrEqualTo(3);
    assertThat(plans.getLong("custom_plans")).isLessThanOrEqualTo(5);
  }

  @Test
  void aQueryThatOrdersItsRowsIsNotBatched() {
    // MariaDB ignores ORDER BY in a derived table: wrapped, the values could change order.
    CountingExecutor executor = gated(database(DatabaseType.MYSQL).config());
    SqlMap map =
        map(
            executor,
            "SELECT goto FROM alias WHERE address = '%s' ORDER BY goto DESC",
            List.of(),
            SqlDialect.MYSQL);
    assertThat(get(start(map, "multi@example.com")))
        .isEqualTo(LookupResult.found("b@dest.example,a@dest.example"));
    // Long enough for a batch statement to be set up, were the map batching.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !map.isBatching());
    executor.hold();
    List<CompletableFuture<LookupResult>> lookups = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lookups.add(start(map, "multi@example.com"));
    }
    assertThat(executor.requested()).isEqualTo(1 + 6);
    executor.release();
    for (CompletableFuture<LookupResult> lookup : lookups) {
      assertThat(get(lookup)).isEqualTo(LookupResult.found("b@dest.example,a@dest.example"));
    }
  }
}
