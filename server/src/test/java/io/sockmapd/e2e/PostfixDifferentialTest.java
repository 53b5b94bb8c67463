package io.sockmapd.e2e;

import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.Daemon;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.FallbackKey;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.Postmap;
import io.sockmapd.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The proof that a Postfix SQL table moved to sockmapd answers as before: for one database and one
 * corpus of keys, real Postfix asks the table natively ({@code postmap -q KEY pgsql:FILE.cf}) and
 * through sockmapd ({@code postmap -q KEY socketmap:inet:...:MAP}), where sockmapd's config is the
 * output of {@code sockmapd import} for that same file. The answers (stdout and exit status) must
 * be identical. stderr is not compared: Postfix words its warnings per table type.
 *
 * <p>The tables are the shipped {@code examples/postfix} files (their connection lines rewritten to
 * this test's database) plus test tables for the corners of Postfix's SQL semantics: quoting,
 * {@code %} and {@code _}, case folding, UTF-8, NULL and empty values, several rows and columns,
 * {@code %u %d %1..} expansions and their suppression, {@code result_format}, {@code domain},
 * {@code expansion_limit}.
 *
 * <p>Only full keys are compared: {@code postmap -q} looks a key up as given, and a socketmap gets
 * only full keys from Postfix anyway. The partial keys Postfix itself would try for a {@code
 * %s}-only table are {@link #fallbackKeysAnswerAsPostfixsPartialKeyLookups checked separately}.
 */
class PostfixDifferentialTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  private static final Path EXAMPLES = Examples.ROOT.resolve("postfix");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path temp;
  private static Postmap postmap;

  /** postmap of a Postfix with {@code smtputf8_enable = no}: ASCII-only case folding. */
  private static Postmap postmapWithoutSmtputf8;

  private static final Map<DatabaseType, Tables> TABLES = new EnumMap<>(DatabaseType.class);

  /** Test tables beside the shipped example schema; every value says which row it came from. */
  private static final String CORPUS_SCHEMA =
      """
      CREATE TABLE corpus (k VARCHAR(255) NOT NULL, v VARCHAR(255) NULL, v2 VARCHAR(255) NULL);
      INSERT INTO corpus (k, v, v2) VALUES
        ('o''brien@example.com', 'obrien@example.net', NULL),
        ('50%off@example.com', 'percent@example.net', NULL),
        ('under_score@example.com', 'underscore@example.net', NULL),
        ('john smith@example.com', 'space@example.net', NULL),
        ('jöhn@exämple.com', 'jöhn-ü@exämple.net', NULL),
        ('café@example.com', 'café@example.net', NULL),
        ('multi@example.com', 'b@example.net', 'b2@example.net'),
        ('multi@example.com', 'a@example.net', NULL),
        ('multi@example.com', NULL, 'c2@example.net'),
        ('multi@example.com', '', NULL),
        ('nullonly@example.com', NULL, NULL),
        ('emptyonly@example.com', '', ''),
        ('Mixed@Example.com', 'unreachable@example.net', NULL),
        ('back\\slash@example.com', 'backslash@example.net', NULL),
        ('noat', 'bare@example.net', NULL),
        ('trail@example.com', 'trail@example.net', NULL),
        ('user+ext@example.com', 'ext@example.net', NULL),
        ('user@example.com', 'user@example.net', NULL),
        ('@example.org', 'catchall@example.net', NULL),
        ('x@sub.example.org', 'sub@example.net', NULL),
        ('strasse@example.com', 'strasse@example.net', NULL),
        ('straße@example.com', 'straße@example.net', NULL),
        ('ss', 'ss@example.net', NULL),
        ('σασ', 'sigma@example.net', NULL),
        ('ff', 'ff@example.net', NULL),
        ('i̇', 'dotted-i@example.net', NULL),
        ('novalue@example.com', 'no-at-sign', NULL);
      """;

  /**
   * Test tables: file name → the parameters after the connection lines. All use the {@code corpus}
   * table above.
   */
  private static final Map<String, String> CORPUS_TABLES = corpusTables();

  private static Map<String, String> corpusTables() {
    Map<String, String> tables = new LinkedHashMap<>();
    tables.put("corpus", "query = SELECT v FROM corpus WHERE k = '%s' ORDER BY v\n");
    tables.put("corpus_columns", "query = SELECT v, v2 FROM corpus WHERE k = '%s' ORDER BY v\n");
    tables.put("corpus_like", "query = SELECT v FROM corpus WHERE k LIKE '%s' ORDER BY k, v\n");
    tables.put(
        "corpus_parts",
        "query = SELECT v FROM corpus WHERE k = '%u@%d'\n"
            + "result_format = %s (local %u, domain %d, key %S, user %U, at %D, tld %1)\n");
    tables.put("corpus_labels", "query = SELECT v FROM corpus WHERE k = '%u@%3.%2.%1'\n");
    tables.put(
        "corpus_domain",
        "query = SELECT v FROM corpus WHERE k = '%s' ORDER BY v\n"
            + "domain = example.com, EXAMPLE.org\n");
    return tables;
  }

  /**
   * The keys every table is asked for. Hits and misses of every table, case variants, SQL quoting
   * and pattern characters, UTF-8, keys without {@code @} or with an empty part, and the empty key.
   */
  static final List<String> KEYS =
      List.of(
          "alice@example.com",
          "ALICE@Example.COM",
          "sales@example.com",
          "Sales@EXAMPLE.com",
          "old@example.com",
          "nobody@example.com",
          "@example.net",
          "someone@example.net",
          "alice+news@example.com",
          "postmaster@example.com",
          "carol@example.net",
          "example.com",
          "Example.NET",
          "retired.example",
          "nowhere.example",
          "o'brien@example.com",
          "O'Brien@Example.com",
          "x' OR '1'='1",
          "50%off@example.com",
          "50_off@example.com",
          "under_score@example.com",
          "underXscore@example.com",
          "%@example.com",
          "%",
          "_",
          "john smith@example.com",
          "trail@example.com ",
          "jöhn@exämple.com",
          "JÖHN@EXÄMPLE.COM",
          "café@example.com",
          "CAFÉ@EXAMPLE.COM",
          "multi@example.com",
          "nullonly@example.com",
          "emptyonly@example.com",
          "mixed@example.com",
          "Mixed@Example.com",
          "back\\slash@example.com",
          "noat",
          "NOAT",
          "user+ext@example.com",
          "User+Ext@Example.com",
          "user@example.com",
          "@example.org",
          "x@example.org",
          "x@sub.example.org",
          "novalue@example.com",
          "a@b@example.com",
          // Unicode case folding (with smtputf8_enable = yes): ß and ẞ become ss, a final Σ σ,
          // the ligature ﬀ ff, İ i with a combining dot.
          "Straße@Example.com",
          "STRASSE@example.com",
          "ẞ",
          "ΣΑΣ",
          "ﬀ",
          "İ",
          "ÀB@Example.com",
          "@",
          "");

  /** The keys whose folding differs with and without {@code smtputf8_enable}. */
  static final List<String> FOLDING_KEYS =
      List.of(
          "Straße@Example.com",
          "straße@example.com",
          "STRASSE@example.com",
          "ẞ",
          "ΣΑΣ",
          "ﬀ",
          "İ",
          "ÀB@Example.com",
          "JÖHN@EXÄMPLE.COM",
          "CAFÉ@EXAMPLE.COM",
          "Mixed@Example.com");

  /**
   * A table that answers with the key it was queried with: shows the folded form Postfix passes to
   * the database.
   */
  private static final String ECHO_TABLE = "corpus_echo";

  /** Tables whose answers include an error, which would end a {@code -q -} batch. */
  private static final String LIMIT_TABLE = "corpus_limit";

  /**
   * Columns that are not text: Postfix splices the key as a literal that the server converts to the
   * column's type. Created on every engine (MariaDB and SQLite convert on their own terms).
   */
  private static final String TYPED_SCHEMA =
      """
      CREATE TABLE typed (id INTEGER, f DOUBLE PRECISION, d DATE, flag BOOLEAN, v VARCHAR(255));
      INSERT INTO typed (id, f, d, flag, v) VALUES
        (5, 1.5, '2024-01-02', TRUE, 'five@example.net'),
        (7, -0.25, '1999-12-31', FALSE, 'seven@example.net');
      """;

  /** PostgreSQL only: an {@code inet} column, matched with {@code >>=}. */
  private static final String INET_SCHEMA =
      """
      CREATE TABLE nets (net INET, v VARCHAR(255));
      INSERT INTO nets (net, v) VALUES ('10.0.0.0/8', 'ten@example.net'),
        ('2001:db8::/32', 'doc6@example.net');
      """;

  /**
   * Typed tables (file name → parameters after the connection lines) and the keys each converts
   * without error, asked in one {@code -q -} batch. Keys that do not convert are asked alone in
   * {@link #keysThatDoNotConvertFailForBoth}.
   */
  private static Map<String, Map.Entry<String, List<String>>> typedTables(DatabaseType type) {
    Map<String, Map.Entry<String, List<String>>> tables = new LinkedHashMap<>();
    tables.put(
        "typed_id",
        Map.entry(
            "query = SELECT v FROM typed WHERE id = '%s'\n", List.of("5", "7", "6", "05", "+5")));
    tables.put(
        "typed_id_unquoted",
        Map.entry("query = SELECT v FROM typed WHERE id = %s\n", List.of("5", "7", "6", "-1")));
    tables.put(
        "typed_float",
        Map.entry(
            "query = SELECT v FROM typed WHERE f = '%s'\n",
            List.of("1.5", "1.50", "15e-1", "-0.25", "2")));
    tables.put(
        "typed_date",
        Map.entry(
            "query = SELECT v FROM typed WHERE d = '%s'\n",
            List.of("2024-01-02", "1999-12-31", "2024-01-03")));
    tables.put(
        "typed_parts",
        Map.entry(
            "query = SELECT v FROM typed WHERE id = '%u' AND d = '%d'\n",
            List.of("5@2024-01-02", "7@2024-01-02", "7@1999-12-31")));
    if (type == DatabaseType.POSTGRESQL) {
      tables.put(
          "typed_bool",
          Map.entry(
              "query = SELECT v FROM typed WHERE flag = '%s' ORDER BY v\n",
              List.of("true", "t", "yes", "on", "1", "false", "off")));
      tables.put(
          "typed_inet",
          Map.entry(
              "query = SELECT v FROM nets WHERE net >>= '%s' ORDER BY v\n",
              List.of("10.1.2.3", "10.0.0.0/8", "192.168.1.1", "2001:db8::1", "::1")));
    }
    return tables;
  }

  /** One engine's tables: the .cf files, sockmapd serving their import, and the keys to compare. */
  record Tables(
      String postfixType,
      Map<String, Path> files,
      Daemon daemon,
      Path unixSocket,
      List<String> keys,
      Path config) {
    String nativeTable(String map) {
      return postfixType + ":" + files.get(map);
    }

    String socketmap(String map) {
      return "socketmap:inet:127.0.0.1:" + daemon.server().port() + ":" + map;
    }

    String unixSocketmap(String map) {
      return "socketmap:unix:" + unixSocket + ":" + map;
    }
  }

  static Stream<DatabaseType> types() {
    return DatabaseExtension.types();
  }

  @BeforeAll
  static void postfix() throws IOException {
    Path conf = Files.createDirectories(temp.resolve("postfix"));
    postmap =
        Postmap.require(
            conf, Postmap.MAIN_CF + "recipient_delimiter = +\n", "pgsql", "mysql", "sqlite");
    postmapWithoutSmtputf8 =
        Postmap.require(
            Files.createDirectories(temp.resolve("postfix-ascii")),
            "compatibility_level = 3.6\nsmtputf8_enable = no\nrecipient_delimiter = +\n",
            "pgsql",
            "mysql",
            "sqlite");
  }

  @AfterAll
  static void stopDaemons() {
    TABLES.values().forEach(t -> t.daemon().close());
    TABLES.clear();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void fullKeysAnswerAsTheNativeTable(DatabaseType type) throws Exception {
    Tables tables = tables(type);
    SoftAssertions softly = new SoftAssertions();
    for (String map : tables.files().keySet()) {
      if (map.equals(LIMIT_TABLE) || map.startsWith("typed_")) {
        continue; // see expansionLimitIsAnErrorForBoth, typedColumnsAnswerAsTheNativeTable
      }
      Postmap.Run nativeRun = postmap.queryBatch(tables.keys(), tables.nativeTable(map));
      // A fatal error would cut the batch short: make sure every key was answered.
      assertThat(nativeRun.stderr()).as("native %s", map).doesNotContain("fatal");
      assertThat(nativeRun.exit()).as("native %s found none of the keys", map).isZero();
      for (String socketmap : List.of(tables.socketmap(map), tables.unixSocketmap(map))) {
        softly
            .assertThat(postmap.queryBatch(tables.keys(), socketmap).answer())
            .as("postmap -q - %s vs %s", socketmap, tables.nativeTable(map))
            .isEqualTo(nativeRun.answer());
      }
    }
    softly.assertAll();
  }

  /**
   * Keys on the command line instead of stdin, one postmap per key: the exit status per key, and
   * the empty key, which {@code -q -} can't tell apart from a missing line.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void singleKeysAnswerAsTheNativeTable(DatabaseType type) throws Exception {
    Tables tables = tables(type);
    SoftAssertions softly = new SoftAssertions();
    for (String key :
        List.of("", "ALICE@Example.COM", "nobody@example.com", "O'Brien@Example.com")) {
      for (String map : List.of("virtual_alias_maps", "corpus")) {
        softly
            .assertThat(postmap.query(key, tables.socketmap(map)).answer())
            .as("%s, key \"%s\"", map, key)
            .isEqualTo(postmap.query(key, tables.nativeTable(map)).answer());
      }
    }
    softly.assertAll();
  }

  /**
   * More values than {@code expansion_limit} is an error for both, not "not found": postmap exits
   * with a fatal error and no value. One key per engine: every fatal postmap sleeps a second.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void expansionLimitIsAnErrorForBoth(DatabaseType type) throws Exception {
    Tables tables = tables(type);
    Postmap.Run nativeRun = postmap.query("multi@example.com", tables.nativeTable(LIMIT_TABLE));
    Postmap.Run socketmapRun = postmap.query("multi@example.com", tables.socketmap(LIMIT_TABLE));

    assertThat(nativeRun.answer()).isEqualTo(new Postmap.Answer(1, ""));
    assertThat(nativeRun.stderr())
        .contains("fatal: table " + tables.nativeTable(LIMIT_TABLE) + ": query error");
    assertThat(socketmapRun.answer()).isEqualTo(nativeRun.answer());
    assertThat(socketmapRun.stderr())
        .contains("socketmap server temporary error: expansion limit exceeded")
        .contains("fatal:");
    // One value is within the limit, for both.
    assertThat(postmap.query("o'brien@example.com", tables.socketmap(LIMIT_TABLE)).answer())
        .isEqualTo(postmap.query("o'brien@example.com", tables.nativeTable(LIMIT_TABLE)).answer())
        .isEqualTo(new Postmap.Answer(0, "obrien@example.net\n"));
  }

  /**
   * Integer, float, date, boolean and {@code inet} columns compared with the key: the server
   * converts the key's text to the column's type for Postfix (a spliced literal) and for sockmapd
   * (a text parameter cast to the type the server infers) alike. These are the maps' first lookups,
   * which used to run a statement the PostgreSQL driver refused.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void typedColumnsAnswerAsTheNativeTable(DatabaseType type) throws Exception {
    Tables tables = tables(type);
    SoftAssertions softly = new SoftAssertions();
    typedTables(type)
        .forEach(
            (map, table) -> {
              List<String> keys = table.getValue();
              Postmap.Run nativeRun = postmap.queryBatch(keys, tables.nativeTable(map));
              softly.assertThat(nativeRun.stderr()).as("native %s", map).doesNotContain("fatal");
              softly.assertThat(nativeRun.exit()).as("native %s found none", map).isZero();
              softly
                  .assertThat(postmap.queryBatch(keys, tables.socketmap(map)).answer())
                  .as("postmap -q - %s", map)
                  .isEqualTo(nativeRun.answer());
            });
    softly.assertAll();
    // sockmapd query: the command line's own first lookup of the map.
    String hit = type == DatabaseType.POSTGRESQL ? "10.200.0.1" : "5";
    String map = type == DatabaseType.POSTGRESQL ? "typed_inet" : "typed_id";
    Postmap.Run nativeRun = postmap.query(hit, tables.nativeTable(map));
    assertThat(nativeRun.answer().exit()).isZero();
    assertThat(sockmapdQuery(tables, map, hit)).isEqualTo(nativeRun.answer());
  }

  /**
   * A key the server cannot convert ({@code abc} for an integer, a host name for an {@code inet})
   * makes Postfix's own table fail the lookup ("query error", postmap exits 1 with a fatal error);
   * sockmapd answers TEMP, which Postfix reports the same way. MariaDB and SQLite convert such a
   * key without error, for both. One key per table: every fatal postmap sleeps a second.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void keysThatDoNotConvertFailForBoth(DatabaseType type) throws Exception {
    Tables tables = tables(type);
    Map<String, String> badKeys = new LinkedHashMap<>();
    badKeys.put("typed_id", "abc");
    badKeys.put("typed_date", "yesterday-ish");
    if (type == DatabaseType.POSTGRESQL) {
      badKeys.put("typed_inet", "mail.example.com");
    }
    SoftAssertions softly = new SoftAssertions();
    badKeys.forEach(
        (map, key) -> {
          Postmap.Run nativeRun = postmap.query(key, tables.nativeTable(map));
          Postmap.Run socketmapRun = postmap.query(key, tables.socketmap(map));
          softly.assertThat(socketmapRun.answer()).as(map).isEqualTo(nativeRun.answer());
          if (type == DatabaseType.POSTGRESQL) {
            softly
                .assertThat(nativeRun.stderr())
                .as(map)
                .contains("fatal: table " + tables.nativeTable(map) + ": query error");
            softly
                .assertThat(socketmapRun.stderr())
                .as(map)
                .contains("socketmap server temporary error: database error (SQLSTATE 22");
          }
        });
    softly.assertAll();
  }

  /** {@code sockmapd query MAP KEY} on this engine's config, in-process, as postmap's answer. */
  private static Postmap.Answer sockmapdQuery(Tables tables, String map, String key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        io.sockmapd.cli.Main.execute(
            new String[] {"query", "--config", tables.config().toString(), map, key},
            io.sockmapd.cli.Backends.DEFAULT,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(err.toString(StandardCharsets.UTF_8)).as("sockmapd query stderr").isEmpty();
    return new Postmap.Answer(status, out.toString(StandardCharsets.UTF_8));
  }

  /**
   * With {@code smtputf8_enable = yes} Postfix folds a non-ASCII key with ICU's full case folding
   * before the query: the echo table shows the form it passes, and sockmapd must pass the same.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void nonAsciiKeysAreFoldedAsPostfixFoldsThem(DatabaseType type) throws Exception {
    Tables tables = tables(type);
    // PostgreSQL before Postfix 3.8: only the ASCII keys (see tables()).
    List<String> keys = FOLDING_KEYS.stream().filter(tables.keys()::contains).toList();
    Postmap.Run nativeRun = postmap.queryBatch(keys, tables.nativeTable(ECHO_TABLE));
    if (keys.contains("ẞ")) {
      // What Postfix 3.7 passes: Unicode full folding.
      assertThat(nativeRun.stdout())
          .contains("Straße@Example.com\tstrasse@example.com\n", "ẞ\tss\n", "ΣΑΣ\tσασ\n")
          .contains("ﬀ\tff\n", "İ\ti\u0307\n", "ÀB@Example.com\tàb@example.com\n");
    }
    assertFoldingMapsAnswerAsNative(postmap, keys, tables, tables::socketmap);
  }

  /**
   * With {@code smtputf8_enable = no} Postfix lowercases only ASCII letters. {@code sockmapd
   * import} of that main.cf writes {@code "smtputf8_enable": false}, and the imported maps answer
   * as the native tables of that Postfix.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void withoutSmtputf8OnlyAsciiLettersAreFolded(DatabaseType type) throws Exception {
    Tables tables = tables(type);
    List<String> keys = FOLDING_KEYS.stream().filter(tables.keys()::contains).toList();
    String imported =
        importConfig(
            tables.postfixType(),
            List.copyOf(tables.files().values()),
            temp.resolve(tables.postfixType() + "-ascii.sock"),
            postmapWithoutSmtputf8.configDirectory().resolve("main.cf"));
    assertThat(JSON.readTree(imported).get("smtputf8_enable").asBoolean(true)).isFalse();
    Path config = temp.resolve(tables.postfixType() + "-ascii.json");
    Files.writeString(config, imported);
    try (Daemon daemon = Examples.startDaemon(config)) {
      Postmap.Run nativeRun =
          postmapWithoutSmtputf8.queryBatch(keys, tables.nativeTable(ECHO_TABLE));
      if (keys.contains("ẞ")) {
        // What Postfix passes without SMTPUTF8: only ASCII letters folded.
        assertThat(nativeRun.stdout())
            .contains("Straße@Example.com\tstraße@example.com\n", "ẞ\tẞ\n", "ΣΑΣ\tΣΑΣ\n")
            .contains("ÀB@Example.com\tÀb@example.com\n");
      }
      assertFoldingMapsAnswerAsNative(
          postmapWithoutSmtputf8,
          keys,
          tables,
          map -> "socketmap:inet:127.0.0.1:" + daemon.server().port() + ":" + map);
    }
  }

  /**
   * The echo table and the corpus maps answer {@code keys} through sockmapd ({@code socketmap}
   * gives the table name for a map) as the native tables of the same Postfix.
   */
  private static void assertFoldingMapsAnswerAsNative(
      Postmap postmap, List<String> keys, Tables tables, Function<String, String> socketmap) {
    SoftAssertions softly = new SoftAssertions();
    for (String map : List.of(ECHO_TABLE, "corpus", "corpus_domain")) {
      softly
          .assertThat(postmap.queryBatch(keys, socketmap.apply(map)).answer())
          .as("postmap -q - %s", map)
          .isEqualTo(postmap.queryBatch(keys, tables.nativeTable(map)).answer());
    }
    softly.assertAll();
  }

  /**
   * For a {@code %s}-only table Postfix itself tries partial keys: in virtual_alias_maps, for
   * {@code user+ext@domain}, the full key, then {@code user@domain}, then {@code @domain}
   * (virtual(5), with {@code recipient_delimiter = +}; the {@code user} forms only for local
   * domains). No Postfix command line shows that probing ({@code postmap -q} looks up only the key
   * given; it happens inside cleanup(8)'s {@code mail_addr_find}), so the order is taken from
   * virtual(5) and each form is answered by the native table through {@code postmap -q}: the first
   * form with an answer is what Postfix would use. sockmapd must give that answer for the full key
   * alone, with the {@code fallback_keys} that {@code sockmapd import} recommends.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void fallbackKeysAnswerAsPostfixsPartialKeyLookups(DatabaseType type) throws Exception {
    Tables tables = tables(type);
    SoftAssertions softly = new SoftAssertions();
    List<String> answeredByAPartialKey = new ArrayList<>();
    for (String key :
        List.of(
            "alice+news@example.com",
            "Alice+News@Example.COM",
            "sales+a+b@example.com",
            "nobody@example.net",
            "nobody+x@example.net",
            "old+x@example.com",
            "+x@example.com",
            "postmaster+x@example.com",
            "nobody+x@nowhere.example")) {
      Postmap.Answer expected = new Postmap.Answer(1, "");
      for (String form : virtualAliasForms(key)) {
        Postmap.Answer answer =
            postmap.query(form, tables.nativeTable("virtual_alias_maps")).answer();
        if (answer.exit() == 0) {
          expected = answer;
          if (!form.equals(key)) {
            answeredByAPartialKey.add(key);
          }
          break;
        }
      }
      softly
          .assertThat(postmap.query(key, tables.socketmap("virtual_alias_maps_fallback")).answer())
          .as("key %s", key)
          .isEqualTo(expected);
    }
    // The corpus does reach the partial keys: without extension, and the catch-all.
    assertThat(answeredByAPartialKey).contains("alice+news@example.com", "nobody+x@example.net");
    softly.assertAll();
  }

  /**
   * virtual(5)'s lookup order for an address in a virtual alias domain: the address, then without
   * its extension (split at the first {@code +}, not when the local part starts with it), then
   * {@code @domain}. Written out here, independently of sockmapd's own code.
   */
  static List<String> virtualAliasForms(String address) {
    int at = address.lastIndexOf('@');
    String local = address.substring(0, at);
    String domain = address.substring(at);
    List<String> forms = new ArrayList<>(List.of(address));
    int plus = local.indexOf('+');
    if (plus > 0) {
      forms.add(local.substring(0, plus) + domain);
    }
    forms.add(domain);
    return forms;
  }

  /** This engine's tables, built on first use: database, .cf files, import, daemon. */
  private static synchronized Tables tables(DatabaseType type) throws Exception {
    Tables existing = TABLES.get(type);
    if (existing != null) {
      return existing;
    }
    TestDatabase db = DBS.get(type);
    db.execute(Files.readString(EXAMPLES.resolve("schema.sql")));
    String corpusSchema = CORPUS_SCHEMA;
    List<String> keys = KEYS;
    if (type == DatabaseType.POSTGRESQL && !postmap.isAtLeast(3, 8)) {
      // Known difference, not sockmapd's: Postfix before 3.8 talks LATIN1 to PostgreSQL (fixed in
      // its code; 3.8 added "encoding", default UTF8). A UTF-8 key then misses and a non-ASCII
      // value is a fatal "non-UTF-8 value". sockmapd always uses UTF-8, as Postfix 3.8+ does.
      corpusSchema =
          corpusSchema.lines().filter(PostfixDifferentialTest::isAscii).collect(joining("\n"));
      keys = keys.stream().filter(PostfixDifferentialTest::isAscii).toList();
    }
    // MySQL reads a backslash in a string literal as an escape.
    db.execute(type == DatabaseType.MYSQL ? corpusSchema.replace("\\", "\\\\") : corpusSchema);

    String postfixType = postfixType(type);
    Path folder = Files.createDirectories(temp.resolve(postfixType));
    String connection = Postmap.connectionLines(db.config());
    Map<String, Path> files = new LinkedHashMap<>();
    try (Stream<Path> shipped = Files.list(EXAMPLES.resolve(postfixType))) {
      for (Path example : shipped.sorted().toList()) {
        Path file = folder.resolve(example.getFileName());
        Files.writeString(file, withConnection(Files.readString(example), connection));
        files.put(mapName(file), file);
      }
    }
    Map<String, String> corpus = new LinkedHashMap<>(CORPUS_TABLES);
    if (type == DatabaseType.SQLITE) {
      // Deliberate difference: Postfix's sqlite table uses only the first column of a row,
      // sockmapd every column, as Postfix's pgsql and mysql tables do (README-sql).
      corpus.remove("corpus_columns");
    }
    for (Map.Entry<String, String> table : corpus.entrySet()) {
      Path file = folder.resolve(table.getKey() + ".cf");
      Files.writeString(file, connection + table.getValue());
      files.put(table.getKey(), file);
    }
    db.execute(TYPED_SCHEMA);
    if (type == DatabaseType.POSTGRESQL) {
      db.execute(INET_SCHEMA);
    }
    for (Map.Entry<String, Map.Entry<String, List<String>>> table : typedTables(type).entrySet()) {
      Path file = folder.resolve(table.getKey() + ".cf");
      Files.writeString(file, connection + table.getValue().getKey());
      files.put(table.getKey(), file);
    }
    Path echo = folder.resolve(ECHO_TABLE + ".cf");
    // Cast: PostgreSQL can't type a bare parameter in a select list.
    String text = type == DatabaseType.MYSQL ? "CHAR" : "TEXT";
    Files.writeString(echo, connection + "query = SELECT CAST('%s' AS " + text + ") AS k\n");
    files.put(ECHO_TABLE, echo);
    Path limit = folder.resolve(LIMIT_TABLE + ".cf");
    Files.writeString(
        limit,
        connection
            + "query = SELECT v FROM corpus WHERE k = '%s' ORDER BY v\nexpansion_limit = 1\n");
    files.put(LIMIT_TABLE, limit);

    Path config = folder.resolve("sockmapd.json");
    Path socket = temp.resolve(postfixType + ".sock");
    Files.writeString(config, importConfig(postfixType, List.copyOf(files.values()), socket));
    Tables tables =
        new Tables(postfixType, files, Examples.startDaemon(config), socket, keys, config);
    TABLES.put(type, tables);
    return tables;
  }

  /**
   * Runs {@code sockmapd import} (in-process) over the files, then points the result at a free port
   * and a unix socket, and adds {@code virtual_alias_maps_fallback}: {@code virtual_alias_maps}
   * with the fallback keys the importer recommends for a {@code %s}-only query.
   */
  private static String importConfig(String postfixType, List<Path> files, Path socket)
      throws IOException {
    return importConfig(postfixType, files, socket, postmap.configDirectory().resolve("main.cf"));
  }

  /** As above, for the Postfix whose main.cf is {@code mainCf}. */
  private static String importConfig(String postfixType, List<Path> files, Path socket, Path mainCf)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("import", "--main-cf", mainCf.toString()));
    files.forEach(f -> args.add(postfixType + ":" + f));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        io.sockmapd.cli.Main.execute(
            args.toArray(String[]::new),
            io.sockmapd.cli.Backends.DEFAULT,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String warnings = err.toString(StandardCharsets.UTF_8);
    assertThat(status).as("sockmapd import: %s", warnings).isZero();
    assertThat(warnings)
        .contains(
            "\"fallback_keys\": [\"user@domain\", \"@domain\"] and \"recipient_delimiter\": \"+\"");

    ObjectNode root = (ObjectNode) JSON.readTree(out.toString(StandardCharsets.UTF_8));
    root.putArray("listen").add("inet:127.0.0.1:0").add("unix:" + socket);
    ObjectNode maps = (ObjectNode) root.get("maps");
    ObjectNode fallback = ((ObjectNode) maps.get("virtual_alias_maps")).deepCopy();
    fallback.put("recipient_delimiter", "+");
    fallback
        .putArray("fallback_keys")
        .add(FallbackKey.USER_AT_DOMAIN.configName())
        .add(FallbackKey.AT_DOMAIN.configName());
    maps.set("virtual_alias_maps_fallback", fallback);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  private static boolean isAscii(String text) {
    return text.chars().allMatch(c -> c < 128);
  }

  private static String postfixType(DatabaseType type) {
    return switch (type) {
      case POSTGRESQL -> "pgsql";
      case MYSQL -> "mysql";
      case SQLITE -> "sqlite";
      case HTTP -> throw new IllegalArgumentException("not a SQL database");
    };
  }

  /** An example .cf file with its connection parameters replaced by {@code connection}. */
  static String withConnection(String cf, String connection) {
    StringBuilder out = new StringBuilder(connection);
    for (String line : cf.split("\n", -1)) {
      if (!line.matches("(hosts|user|password|dbname|dbpath)\\s*=.*")) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  private static String mapName(Path file) {
    String name = file.getFileName().toString();
    return name.substring(0, name.length() - ".cf".length());
  }
}
