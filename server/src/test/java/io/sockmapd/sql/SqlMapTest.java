package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.FallbackKey;
import io.sockmapd.config.Limits;
import io.sockmapd.config.MapConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.testing.CountingExecutor;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.TestDatabase;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** SqlMap against real PostgreSQL, MariaDB and SQLite databases: Postfix's SQL table semantics. */
class SqlMapTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  private static final Map<DatabaseType, CountingExecutor> EXECUTORS =
      new EnumMap<>(DatabaseType.class);

  static final String FIXTURE =
      """
      CREATE TABLE alias (address VARCHAR(255) NOT NULL, goto VARCHAR(255));
      INSERT INTO alias (address, goto) VALUES
        ('user@example.com', 'u1@dest.example'),
        ('multi@example.com', 'a@dest.example'),
        ('multi@example.com', 'b@dest.example'),
        ('multi@example.com', NULL),
        ('multi@example.com', ''),
        ('o''brien@example.com', 'ob@dest.example'),
        ('@example.com', 'catchall@dest.example'),
        ('base@example.com', 'base@dest.example'),
        ('base+ext', 'localext@dest.example'),
        ('plain', 'plain@dest.example'),
        ('nullonly@example.com', NULL),
        ('café@example.com', 'café@dest.example'),
        ('Mixed@Example.com', 'mixed@dest.example');
      CREATE TABLE twocol (k VARCHAR(255), c1 VARCHAR(255), c2 VARCHAR(255));
      INSERT INTO twocol (k, c1, c2) VALUES ('k', 'col1', 'col2');
      INSERT INTO twocol (k, c1, c2) VALUES ('k', 'col3', NULL);
      CREATE TABLE one (n INTEGER);
      INSERT INTO one (n) VALUES (1);
      """;

  private static final String ALIAS_QUERY = "SELECT goto FROM alias WHERE address = '%s'";

  static synchronized CountingExecutor executor(DatabaseType type) {
    CountingExecutor existing = EXECUTORS.get(type);
    if (existing != null) {
      existing.reset();
      return existing;
    }
    TestDatabase db = DBS.get(type);
    db.execute(FIXTURE);
    CountingExecutor created =
        new CountingExecutor(LookupChain.poolExecutor(DBS.vertx(), db.config()));
    EXECUTORS.put(type, created);
    return created;
  }

  @AfterAll
  static void closeExecutors() {
    EXECUTORS.values().forEach(e -> await(e.close(Duration.ofSeconds(5))));
    EXECUTORS.clear();
  }

  static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  static MapConfig map(String query) {
    return map(query, "%s", List.of(), 0, true, "", List.of());
  }

  static MapConfig map(
      String query,
      String resultFormat,
      List<String> domain,
      int expansionLimit,
      boolean foldCase,
      String delimiter,
      List<FallbackKey> fallbacks) {
    return new MapConfig(
        "m",
        "test",
        query,
        resultFormat,
        domain,
        expansionLimit,
        foldCase,
        delimiter,
        fallbacks,
        null,
        true,
        List.of());
  }

  static LookupResult lookup(SqlExecutor executor, DatabaseType type, MapConfig map, String key) {
    return lookup(executor, type, map, key, Limits.DEFAULT_MAX_REPLY_SIZE);
  }

  static LookupResult lookup(
      SqlExecutor executor, DatabaseType type, MapConfig map, String key, int maxReplySize) {
    SqlMap sqlMap = LookupChain.sqlMap(map, SqlDialect.of(type), executor, maxReplySize);
    try {
      return sqlMap.lookup(key).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("lookup completed exceptionally", e);
    }
  }

  static LookupResult lookup(DatabaseType type, MapConfig map, String key) {
    return lookup(executor(type), type, map, key);
  }

  static LookupResult found(String value) {
    return LookupResult.found(value);
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void fullKeyFoundAndMissing(DatabaseType type) {
    assertThat(lookup(type, map(ALIAS_QUERY), "user@example.com"))
        .isEqualTo(found("u1@dest.example"));
    assertThat(lookup(type, map(ALIAS_QUERY), "nobody@example.com"))
        .isEqualTo(LookupResult.notFound());
    assertThat(executor(type).statements()).isZero(); // reset by executor(); sanity of the helper
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void everyExpansionIsBoundFromTheKey(DatabaseType type) {
    String key = "User@Mail.Example.COM";
    Map<String, String> expected =
        Map.of(
            "%s", "user@mail.example.com",
            "%u", "user",
            "%d", "mail.example.com",
            "%S", "user@mail.example.com",
            "%U", "user",
            "%D", "mail.example.com",
            "%1", "com",
            "%2", "example",
            "%3", "mail",
            "<%u>%%<%d>", "<user>%<mail.example.com>");
    expected.forEach(
        (expansion, value) ->
            assertThat(lookup(type, map("SELECT '" + expansion + "' AS v FROM one"), key))
                .as(expansion)
                .isEqualTo(found(value)));
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void compositeLiteralAndUnquotedExpansion(DatabaseType type) {
    assertThat(
            lookup(type, map("SELECT goto FROM alias WHERE address = '%u@%d'"), "user@example.com"))
        .isEqualTo(found("u1@dest.example"));
    assertThat(lookup(type, map("SELECT goto FROM alias WHERE address = %s"), "user@example.com"))
        .isEqualTo(found("u1@dest.example"));
    // A literal without expansions stays SQL; %% in it is one %.
    assertThat(
            lookup(
                type,
                map("SELECT goto FROM alias WHERE address LIKE 'user@%%' AND '%s' <> ''"),
                "anything"))
        .isEqualTo(found("u1@dest.example"));
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void suppressedExpansionsNeverReachTheDatabase(DatabaseType type) {
    CountingExecutor executor = executor(type);
    Map<String, String> suppressed =
        Map.of(
            "%u", "@example.com",
            "%U", "@example.com",
            "%d", "plain",
            "%D", "plain",
            "%1", "plain",
            "%3", "user@example.com",
            "%2", "user@example..com",
            "%9", "a@b.c");
    suppressed.forEach(
        (expansion, key) ->
            assertThat(lookup(executor, type, map("SELECT '" + expansion + "' FROM one"), key))
                .as(expansion + " for " + key)
                .isEqualTo(LookupResult.notFound()));
    assertThat(executor.statements()).isZero();
    // %u on a key without @ is the whole key, not suppressed.
    assertThat(lookup(executor, type, map("SELECT '%u' FROM one"), "plain"))
        .isEqualTo(found("plain"));
    assertThat(executor.statements()).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void emptyKeyIsNotFoundWithoutQuery(DatabaseType type) {
    CountingExecutor executor = executor(type);
    assertThat(lookup(executor, type, map("SELECT 'x' FROM one"), ""))
        .isEqualTo(LookupResult.notFound());
    assertThat(executor.statements()).isZero();
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void resultFormatUsesValueAndKeyParts(DatabaseType type) {
    MapConfig map =
        map(
            ALIAS_QUERY,
            "<%s> u=%u d=%d S=%S U=%U D=%D 1=%1 %%",
            List.of(),
            0,
            true,
            "",
            List.of());
    assertThat(lookup(type, map, "user@example.com"))
        .isEqualTo(
            found(
                "<u1@dest.example> u=u1 d=dest.example S=user@example.com U=user D=example.com"
                    + " 1=com %"));
    // %d of a value without a domain: that value is skipped, leaving nothing.
    MapConfig domainOfValue =
        map("SELECT 'novalue' FROM one", "%d", List.of(), 0, true, "", List.of());
    assertThat(lookup(type, domainOfValue, "k")).isEqualTo(LookupResult.notFound());
    MapConfig constant = map(ALIAS_QUERY, "OK", List.of(), 0, true, "", List.of());
    assertThat(lookup(type, constant, "user@example.com")).isEqualTo(found("OK"));
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void rowsAndColumnsJoinedNullAndEmptySkipped(DatabaseType type) {
    assertThat(lookup(type, map(ALIAS_QUERY + " ORDER BY goto"), "multi@example.com"))
        .isEqualTo(found("a@dest.example,b@dest.example"));
    assertThat(lookup(type, map("SELECT c1, c2 FROM twocol WHERE k = '%s' ORDER BY c1"), "k"))
        .isEqualTo(found("col1,col2,col3"));
    assertThat(lookup(type, map(ALIAS_QUERY), "nullonly@example.com"))
        .isEqualTo(LookupResult.notFound());
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void expansionLimitExceededIsTemp(DatabaseType type) {
    MapConfig limit1 = map(ALIAS_QUERY, "%s", List.of(), 1, true, "", List.of());
    assertThat(lookup(type, limit1, "multi@example.com"))
        .isEqualTo(LookupResult.temp("expansion limit exceeded"));
    MapConfig limit2 = map(ALIAS_QUERY, "%s", List.of(), 2, true, "", List.of());
    assertThat(lookup(type, limit2, "multi@example.com").status()).isEqualTo(SocketmapStatus.OK);
  }

  /**
   * The reply payload is {@code OK } and the value: a value that would make it longer than {@code
   * max_reply_size} is {@code TEMP reply too large}, decided while the rows arrive (nothing past
   * the limit is kept), as the server's encoder would answer.
   */
  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void aValueLongerThanOneReplyIsTempReplyTooLarge(DatabaseType type) {
    CountingExecutor executor = executor(type);
    MapConfig multi = map(ALIAS_QUERY + " ORDER BY goto");
    String value = "a@dest.example,b@dest.example";
    int exact = "OK ".length() + value.length();
    assertThat(lookup(executor, type, multi, "multi@example.com", exact)).isEqualTo(found(value));
    assertThat(lookup(executor, type, multi, "multi@example.com", exact - 1))
        .isEqualTo(LookupResult.temp("reply too large"));
    // Counted in UTF-8 bytes, as the reply is sent.
    String utf8 = "café@dest.example";
    int utf8Bytes = "OK ".length() + utf8.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    assertThat(lookup(executor, type, map(ALIAS_QUERY), "café@example.com", utf8Bytes))
        .isEqualTo(found(utf8));
    assertThat(lookup(executor, type, map(ALIAS_QUERY), "café@example.com", utf8Bytes - 1))
        .isEqualTo(LookupResult.temp("reply too large"));
    // With fallback forms, each form is bounded: a fitting form still wins over a later one.
    MapConfig withFallback =
        map(
            ALIAS_QUERY,
            "%s",
            List.of(),
            0,
            true,
            "+",
            List.of(FallbackKey.USER_AT_DOMAIN, FallbackKey.AT_DOMAIN));
    assertThat(lookup(executor, type, withFallback, "user@example.com", 32))
        .isEqualTo(found("u1@dest.example"));
    assertThat(lookup(executor, type, withFallback, "stranger@example.com", 10))
        .isEqualTo(LookupResult.temp("reply too large"));
  }

  /**
   * Postfix splices the key into the query as a literal the server converts to the column's type: a
   * key that is a number, an address or a date matches such a column. sockmapd must answer the
   * same, on the first lookup of a map too. A key that is no such value is an error of the
   * statement on PostgreSQL (SQLSTATE 22P02, a TEMP answer: Postfix's table fails the lookup the
   * same way), while MariaDB and SQLite compare it as they would Postfix's literal (no match).
   */
  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void nonTextColumnsCompareWithTheKeyAsPostfixsLiteralDoes(DatabaseType type) {
    TestDatabase db = DBS.get(type);
    CountingExecutor executor = executor(type);
    db.execute(
        "CREATE TABLE typed (id INTEGER, f DOUBLE PRECISION, d DATE, v VARCHAR(20));"
            + " INSERT INTO typed (id, f, d, v) VALUES (5, 1.5, '2024-01-02', 'five');");
    Map<String, String> queries = new java.util.LinkedHashMap<>();
    queries.put("SELECT v FROM typed WHERE id = %s", "5");
    queries.put("SELECT v FROM typed WHERE id = '%s'", "5");
    queries.put("SELECT v FROM typed WHERE f = '%s'", "1.5");
    queries.put("SELECT v FROM typed WHERE d = '%s'", "2024-01-02");
    queries.put("SELECT v FROM typed WHERE id = '%u' AND d = '%d'", "5@2024-01-02");
    if (type == DatabaseType.POSTGRESQL) {
      db.execute(
          "CREATE TABLE typed_pg (net INET, flag BOOLEAN, v TEXT);"
              + " INSERT INTO typed_pg VALUES ('10.0.0.0/8', true, 'ten');");
      queries.put("SELECT v FROM typed_pg WHERE net >>= '%s'", "10.1.2.3");
      queries.put("SELECT v FROM typed_pg WHERE flag = '%s'", "true");
    }
    queries.forEach(
        (query, key) -> {
          String value = query.contains("typed_pg") ? "ten" : "five";
          assertThat(lookup(executor, type, map(query), key)).as(query).isEqualTo(found(value));
        });
    LookupResult notANumber =
        lookup(executor, type, map("SELECT v FROM typed WHERE id = '%s'"), "abc");
    if (type == DatabaseType.POSTGRESQL) {
      assertThat(notANumber).isEqualTo(LookupResult.temp("database error (SQLSTATE 22P02)"));
      assertThat(
              lookup(
                  executor, type, map("SELECT v FROM typed_pg WHERE net >>= '%s'"), "mail.example"))
          .isEqualTo(LookupResult.temp("database error (SQLSTATE 22P02)"));
    } else {
      assertThat(notANumber).isEqualTo(LookupResult.notFound());
    }
    assertThat(lookup(executor, type, map("SELECT v FROM typed WHERE id = '%s'"), "6"))
        .isEqualTo(LookupResult.notFound());
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void domainFilter(DatabaseType type) {
    CountingExecutor executor = executor(type);
    MapConfig map = map(ALIAS_QUERY, "%s", List.of("Example.COM"), 0, true, "", List.of());
    assertThat(lookup(executor, type, map, "user@EXAMPLE.com")).isEqualTo(found("u1@dest.example"));
    assertThat(executor.statements()).isEqualTo(1);
    for (String key :
        List.of("user@example.org", "plain", "@example.com", "user@sub.example.com")) {
      assertThat(lookup(executor, type, map, key)).as(key).isEqualTo(LookupResult.notFound());
    }
    assertThat(executor.statements()).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void foldCaseOnAndOff(DatabaseType type) {
    MapConfig folding = map(ALIAS_QUERY);
    MapConfig exact = map(ALIAS_QUERY, "%s", List.of(), 0, false, "", List.of());
    assertThat(lookup(type, folding, "USER@Example.COM")).isEqualTo(found("u1@dest.example"));
    assertThat(lookup(type, folding, "CAFÉ@EXAMPLE.COM")).isEqualTo(found("café@dest.example"));
    assertThat(lookup(type, exact, "Mixed@Example.com")).isEqualTo(found("mixed@dest.example"));
    if (type != DatabaseType.MYSQL) {
      // MariaDB's default collation compares case-insensitively; the others don't. There, as
      // in Postfix, a mixed-case row is unreachable with folding.
      assertThat(lookup(type, folding, "Mixed@Example.com")).isEqualTo(LookupResult.notFound());
      assertThat(lookup(type, exact, "USER@example.com")).isEqualTo(LookupResult.notFound());
    }
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void fallbackKeysInPostfixOrderInOneRoundTrip(DatabaseType type) {
    CountingExecutor executor = executor(type);
    MapConfig map =
        map(
            ALIAS_QUERY,
            "%s",
            List.of(),
            0,
            true,
            "+-",
            List.of(FallbackKey.AT_DOMAIN, FallbackKey.USER, FallbackKey.USER_AT_DOMAIN));
    assertThat(lookup(executor, type, map, "user@example.com")).isEqualTo(found("u1@dest.example"));
    assertThat(lookup(executor, type, map, "base+tag@example.com"))
        .isEqualTo(found("base@dest.example"));
    assertThat(lookup(executor, type, map, "base-tag@example.com"))
        .isEqualTo(found("base@dest.example"));
    assertThat(lookup(executor, type, map, "stranger@example.com"))
        .isEqualTo(found("catchall@dest.example"));
    // A form whose rows are all NULL is "not found": the next form answers.
    assertThat(lookup(executor, type, map, "nullonly@example.com"))
        .isEqualTo(found("catchall@dest.example"));
    assertThat(lookup(executor, type, map, "nobody@example.net"))
        .isEqualTo(LookupResult.notFound());
    assertThat(executor.statements()).isEqualTo(6);

    MapConfig userForm = map(ALIAS_QUERY, "%s", List.of(), 0, true, "+", List.of(FallbackKey.USER));
    assertThat(lookup(executor, type, userForm, "base+ext@elsewhere.example"))
        .isEqualTo(found("localext@dest.example"));
    assertThat(lookup(executor, type, userForm, "plain+x@elsewhere.example"))
        .isEqualTo(found("plain@dest.example"));
  }

  /**
   * A query that ends in a comment, as {@code sockmapd import} writes from {@code
   * additional_conditions}: valid alone, and must stay valid when sockmapd wraps it for the
   * fallback forms (a comment running to the end of the line would swallow the wrapper).
   */
  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void aQueryEndingInACommentAnswersWithFallbackKeys(DatabaseType type) {
    CountingExecutor executor = executor(type);
    String comment = type == DatabaseType.MYSQL ? "# active only" : "-- active only";
    for (String query :
        List.of(
            ALIAS_QUERY + " -- active only",
            ALIAS_QUERY + " " + comment + "\n",
            ALIAS_QUERY + " /* active only */",
            "SELECT goto -- the target\nFROM alias WHERE address = '%s'")) {
      MapConfig map =
          map(
              query,
              "%s",
              List.of(),
              0,
              true,
              "+",
              List.of(FallbackKey.USER_AT_DOMAIN, FallbackKey.AT_DOMAIN));
      assertThat(lookup(executor, type, map, "base+tag@example.com"))
          .as(query)
          .isEqualTo(found("base@dest.example"));
      assertThat(lookup(executor, type, map, "stranger@example.com"))
          .as(query)
          .isEqualTo(found("catchall@dest.example"));
      assertThat(lookup(executor, type, map, "user@example.com"))
          .as(query)
          .isEqualTo(found("u1@dest.example"));
    }
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void fallbackFormsSuppressedPerForm(DatabaseType type) {
    CountingExecutor executor = executor(type);
    // %u is suppressed for @domain, so only the full key form is queried.
    MapConfig map =
        map(
            "SELECT goto FROM alias WHERE address = '%u@%d'",
            "%s", List.of(), 0, true, "", List.of(FallbackKey.AT_DOMAIN));
    assertThat(lookup(executor, type, map, "stranger@example.com"))
        .isEqualTo(LookupResult.notFound());
    assertThat(executor.statements()).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void hostileKeysNeverChangeAnswersOrData(DatabaseType type) {
    TestDatabase db = DBS.get(type);
    CountingExecutor executor = executor(type);
    Object before = db.queryValue("SELECT count(*) FROM alias");
    List<String> keys =
        List.of(
            "x'OR'1'='1",
            "x' OR '1'='1",
            "a'; DROP TABLE alias; --",
            "\\'",
            "\\",
            "%",
            "_",
            "%@%",
            "user@example.com' --",
            "x".repeat(20_000),
            "ü@ä.example",
            "😀@example.com");
    for (String key : keys) {
      LookupResult result = lookup(executor, type, map(ALIAS_QUERY), key);
      assertThat(result)
          .as(key.length() > 40 ? "long key" : key)
          .isEqualTo(LookupResult.notFound());
    }
    // PostgreSQL text can't hold NUL: that is an error (TEMP), never a match or a miss.
    assertThat(lookup(executor, type, map(ALIAS_QUERY), "user@example.com\0").status())
        .isEqualTo(
            type == DatabaseType.POSTGRESQL ? SocketmapStatus.TEMP : SocketmapStatus.NOTFOUND);
    assertThat(lookup(executor, type, map(ALIAS_QUERY), "o'brien@example.com"))
        .isEqualTo(found("ob@dest.example"));
    assertThat(db.queryValue("SELECT count(*) FROM alias")).isEqualTo(before);
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void badColumnIsPerm(DatabaseType type) {
    LookupResult result =
        lookup(
            type, map("SELECT nosuchcolumn FROM alias WHERE address = '%s'"), "user@example.com");
    assertThat(result.status()).isEqualTo(SocketmapStatus.PERM);
    assertThat(result.text()).doesNotContain("nosuchcolumn").doesNotContain("user@example.com");
    LookupResult table = lookup(type, map("SELECT goto FROM nosuchtable WHERE a = '%s'"), "k");
    assertThat(table.status()).isEqualTo(SocketmapStatus.PERM);
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void slowQueryBeyondLookupTimeoutIsTimeout(DatabaseType type) {
    TestDatabase db = DBS.get(type);
    executor(type);
    DatabaseConfig quick = db.config(Duration.ofMillis(300), db.config().hosts(), 1);
    SqlExecutor executor = LookupChain.poolExecutor(DBS.vertx(), quick);
    String slow =
        switch (type) {
          case POSTGRESQL -> "SELECT '%s' FROM (SELECT pg_sleep(3)) s";
          case MYSQL -> "SELECT '%s' FROM (SELECT SLEEP(3)) s";
          case SQLITE ->
              "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30000000)"
                  + " SELECT '%s' FROM (SELECT count(*) FROM c)";
          case HTTP -> throw new IllegalArgumentException("not a SQL database");
        };
    try {
      assertThat(lookup(executor, type, map(slow), "k"))
          .isEqualTo(LookupResult.timeout("database did not answer in time"));
      // The slow statement still holds the only in-flight slot (max_in_flight 1): fail fast.
      assertThat(lookup(executor, type, map(slow), "k2"))
          .isEqualTo(LookupResult.temp("too many lookups in flight"));
    } finally {
      await(executor.close(Duration.ofSeconds(10)));
    }
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void unreachablePortIsTemp(DatabaseType type) {
    TestDatabase db = DBS.get(type);
    DatabaseConfig nowhere =
        db.config(
            Duration.ofSeconds(5),
            List.of(new io.sockmapd.config.HostAndPort("127.0.0.1", 1)),
            DatabaseConfig.DEFAULT_MAX_IN_FLIGHT);
    SqlExecutor executor = LookupChain.poolExecutor(DBS.vertx(), nowhere);
    try {
      assertThat(lookup(executor, type, map(ALIAS_QUERY), "user@example.com"))
          .isEqualTo(LookupResult.temp("database unreachable"));
    } finally {
      await(executor.close(Duration.ofSeconds(5)));
    }
  }
}
