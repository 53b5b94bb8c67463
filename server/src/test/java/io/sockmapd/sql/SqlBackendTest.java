package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.Secret;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The backend built from config files: the shipped examples, check, config errors. */
class SqlBackendTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  /** Surefire runs in the server module; the examples live at the repository root. */
  private static final Path EXAMPLES = Path.of("..", "examples");

  @TempDir Path temp;

  static LookupResult lookup(LookupBackend backend, String map, String key) throws Exception {
    return backend.maps().get(map).lookup(key).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static void close(LookupBackend backend) throws Exception {
    backend.close(Duration.ofSeconds(5)).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void quickstartSeedsItsSqliteFileAndAnswers() throws Exception {
    Files.copy(EXAMPLES.resolve("quickstart.json"), temp.resolve("quickstart.json"));
    Files.copy(EXAMPLES.resolve("quickstart.sql"), temp.resolve("quickstart.sql"));
    SockmapdConfig config = new ConfigLoader().load(temp.resolve("quickstart.json"));
    Path database = temp.resolve("data/quickstart.db");
    assertThat(database).doesNotExist();

    LookupBackend backend = LookupChain.sqlMaps(DBS.vertx(), config);
    try {
      assertThat(lookup(backend, "virtual", "info@example.com"))
          .isEqualTo(LookupResult.found("alice@example.net,bob@example.net"));
      assertThat(lookup(backend, "virtual", "Alice+news@Example.com"))
          .isEqualTo(LookupResult.found("alice@example.net"));
      assertThat(lookup(backend, "virtual", "anyone@example.net"))
          .isEqualTo(LookupResult.found("catchall@example.net"));
      assertThat(lookup(backend, "virtual", "anyone@example.org"))
          .isEqualTo(LookupResult.notFound());
      assertThat(lookup(backend, "domains", "example.com")).isEqualTo(LookupResult.found("OK"));
      assertThat(lookup(backend, "domains", "example.org")).isEqualTo(LookupResult.notFound());
      assertThat(((SqlBackend) backend).check().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isEmpty();
    } finally {
      close(backend);
    }
    assertThat(database).exists();
    try (var files = Files.list(database.getParent())) {
      assertThat(files).containsExactly(database); // no leftover temporary seed file
    }
  }

  @Test
  void existingSqliteFileIsNotReseeded() throws Exception {
    Path script = temp.resolve("seed.sql");
    Files.writeString(
        script, "CREATE TABLE t (k TEXT, v TEXT); INSERT INTO t VALUES ('a', 'one');");
    Path db = temp.resolve("t.db");
    assertThat(SqliteInitializer.initialize(db, script)).isTrue();
    Files.writeString(
        script, "CREATE TABLE t (k TEXT, v TEXT); INSERT INTO t VALUES ('a', 'two');");
    assertThat(SqliteInitializer.initialize(db, script)).isFalse();
  }

  @Test
  void failingSeedLeavesNoFileAndAnswersTemp() throws Exception {
    Path script = temp.resolve("bad.sql");
    Files.writeString(script, "CREATE TABLE t (k TEXT); INSERT INTO nosuchtable VALUES (1);");
    Files.writeString(
        temp.resolve("c.json"),
        """
        {"listen": ["inet:127.0.0.1:1"],
         "databases": {"db": {"type": "sqlite", "path": "t.db", "init_sql": "bad.sql"}},
         "maps": {"m": {"database": "db", "query": "SELECT k FROM t WHERE k = '%s'"}}}
        """);
    LookupBackend backend =
        LookupChain.sqlMaps(DBS.vertx(), new ConfigLoader().load(temp.resolve("c.json")));
    try {
      assertThat(lookup(backend, "m", "x"))
          .isEqualTo(LookupResult.temp("database not initialised"));
    } finally {
      close(backend);
    }
    assertThat(temp.resolve("t.db")).doesNotExist();
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void postfixAdminExample(DatabaseType type) throws Exception {
    TestDatabase db = DBS.get(type);
    Path folder = EXAMPLES.resolve("postfixadmin");
    db.execute(
        Files.readString(
            folder.resolve(
                type == DatabaseType.POSTGRESQL ? "schema-postgresql.sql" : "schema-mysql.sql"),
            StandardCharsets.UTF_8));
    db.execute(Files.readString(folder.resolve("sample-data.sql"), StandardCharsets.UTF_8));
    SockmapdConfig shipped =
        new ConfigLoader(name -> "secret").load(folder.resolve("sockmapd.json"));
    SockmapdConfig config = withData(shipped, Map.of("postfixadmin", db.config()), shipped.maps());

    LookupBackend backend = LookupChain.sqlMaps(DBS.vertx(), config);
    try {
      assertThat(lookup(backend, "virtual_mailbox_domains", "example.com"))
          .isEqualTo(LookupResult.found("example.com"));
      assertThat(lookup(backend, "virtual_mailbox_domains", "old.example"))
          .isEqualTo(LookupResult.notFound());
      assertThat(lookup(backend, "virtual_mailbox_maps", "Alice@Example.com"))
          .isEqualTo(LookupResult.found("example.com/alice/"));
      assertThat(lookup(backend, "virtual_mailbox_maps", "gone@example.com"))
          .isEqualTo(LookupResult.notFound());
      assertThat(lookup(backend, "virtual_alias_maps", "sales@example.com"))
          .isEqualTo(LookupResult.found("alice@example.com,bob@example.org"));
      assertThat(lookup(backend, "virtual_alias_maps", "alice+lists@example.com"))
          .isEqualTo(LookupResult.found("alice@example.com"));
      // Inactive alias: the catch-all answers, as with Postfix's own lookup order.
      assertThat(lookup(backend, "virtual_alias_maps", "gone@example.com"))
          .isEqualTo(LookupResult.found("catchall@example.com"));
      assertThat(lookup(backend, "virtual_alias_maps", "x@elsewhere.example"))
          .isEqualTo(LookupResult.notFound());
      assertThat(((SqlBackend) backend).check().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isEmpty();
    } finally {
      close(backend);
    }
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void checkNamesBrokenMapsAndUnreachableDatabases(DatabaseType type) throws Exception {
    TestDatabase db = DBS.get(type);
    db.execute("CREATE TABLE IF NOT EXISTS chk (k VARCHAR(50), v VARCHAR(50))");
    SockmapdConfig base = new ConfigLoader().load(EXAMPLES.resolve("quickstart.json"));
    SockmapdConfig config =
        withData(
            base,
            Map.of("db", db.config()),
            Map.of(
                "good",
                named("good", "db", "SELECT v FROM chk WHERE k = '%s'"),
                "commented",
                withFallbacks(
                    named("commented", "db", "SELECT v FROM chk WHERE k = '%s' -- active only")),
                "badcolumn",
                named("badcolumn", "db", "SELECT nosuch FROM chk WHERE k = '%s'")));
    SqlBackend backend = LookupChain.sqlMaps(config, d -> LookupChain.poolExecutor(DBS.vertx(), d));
    try {
      List<String> problems = backend.check().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(problems).hasSize(1);
      assertThat(problems.get(0)).startsWith("map badcolumn (database test): query error");
    } finally {
      close(backend);
    }
  }

  @Test
  void checkNamesAnUnreachableDatabase() throws Exception {
    SockmapdConfig base = new ConfigLoader().load(EXAMPLES.resolve("quickstart.json"));
    DatabaseConfig down =
        DatabaseExtension.config(
            DatabaseType.POSTGRESQL,
            List.of(new HostAndPort("127.0.0.1", 1)),
            "x",
            "x",
            Secret.none(),
            null);
    SockmapdConfig config =
        withData(
            base,
            Map.of("down", down),
            Map.of("m", named("m", "down", "SELECT 1 WHERE 'x' = '%s'")));
    SqlBackend backend = LookupChain.sqlMaps(config, d -> LookupChain.poolExecutor(DBS.vertx(), d));
    try {
      List<String> problems = backend.check().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(problems).hasSize(1);
      assertThat(problems.get(0)).startsWith("database test: cannot connect: database unreachable");
    } finally {
      close(backend);
    }
  }

  /** {@code base} with other databases and maps. */
  static SockmapdConfig withData(
      SockmapdConfig base, Map<String, DatabaseConfig> databases, Map<String, MapConfig> maps) {
    return new SockmapdConfig(
        base.listen(),
        base.unixSocketMode(),
        base.limits(),
        base.shutdownTimeout(),
        databases,
        maps,
        null);
  }

  /** {@code map} with every fallback form, so check prepares the combined statement too. */
  static MapConfig withFallbacks(MapConfig map) {
    return new MapConfig(
        map.name(),
        map.database(),
        map.query(),
        map.resultFormat(),
        map.domain(),
        map.expansionLimit(),
        map.foldCase(),
        "+",
        List.of(io.sockmapd.config.FallbackKey.values()),
        map.cache(),
        true,
        List.of());
  }

  static MapConfig named(String name, String database, String query) {
    return new MapConfig(
        name, database, query, "%s", List.of(), 0, true, "", List.of(), null, true, List.of());
  }

  @Test
  void unknownExpansionIsAConfigErrorNamingTheMap() throws Exception {
    Files.writeString(
        temp.resolve("c.json"),
        """
        {"listen": ["inet:127.0.0.1:1"],
         "databases": {"db": {"type": "sqlite", "path": "t.db"}},
         "maps": {"aliases": {"database": "db", "query": "SELECT v FROM t WHERE k = '%x'"},
                  "fmt": {"database": "db", "query": "SELECT 1", "result_format": "%q"}}}
        """);
    SockmapdConfig config = new ConfigLoader().load(temp.resolve("c.json"));
    assertThatThrownBy(() -> LookupChain.sqlMaps(DBS.vertx(), config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("$.maps.aliases.query: map aliases: unknown expansion %x")
        .hasMessageContaining("$.maps.fmt.result_format: map fmt: unknown expansion %q");
    assertThat(temp.resolve("t.db")).doesNotExist();
  }

  /**
   * A table list over two databases: each key form is asked of both tables before the next form,
   * and {@code sockmapd check} checks each table on its own database.
   */
  @Test
  void tableListOverTwoDatabasesSearchesFormByFormAndChecks() throws Exception {
    Files.writeString(
        temp.resolve("aliases.sql"),
        "CREATE TABLE alias (address TEXT, goto TEXT);"
            + " INSERT INTO alias VALUES ('@alias.example', 'catchall@example.com'),"
            + " ('carol@example.com', 'carol@example.net');");
    Files.writeString(
        temp.resolve("domains.sql"),
        "CREATE TABLE alias_domain (alias_domain TEXT, target_domain TEXT);"
            + " INSERT INTO alias_domain VALUES ('alias.example', 'example.com');"
            + " CREATE TABLE mailbox (username TEXT);"
            + " INSERT INTO mailbox VALUES ('bob@example.com');");
    Path file = temp.resolve("list.json");
    Files.writeString(
        file,
        """
        {"listen": ["inet:127.0.0.1:8732"],
         "databases": {
           "aliases": {"type": "sqlite", "path": "aliases.db", "init_sql": "aliases.sql"},
           "domains": {"type": "sqlite", "path": "domains.db", "init_sql": "domains.sql"}},
         "maps": {"virtual": {
           "recipient_delimiter": "+", "fallback_keys": ["user@domain", "@domain"],
           "queries": [
             {"database": "aliases", "query": "SELECT goto FROM alias WHERE address = '%s'"},
             {"database": "domains",
              "query": "SELECT m.username FROM mailbox m JOIN alias_domain d ON m.username = '%u' || '@' || d.target_domain WHERE d.alias_domain = '%d'"}]}}}
        """);
    LookupBackend backend = LookupChain.sqlMaps(DBS.vertx(), new ConfigLoader().load(file));
    try {
      // The second table's full-key answer wins over the first table's catch-all.
      assertThat(lookup(backend, "virtual", "Bob+x@Alias.Example"))
          .isEqualTo(LookupResult.found("bob@example.com"));
      assertThat(lookup(backend, "virtual", "nobody@alias.example"))
          .isEqualTo(LookupResult.found("catchall@example.com"));
      assertThat(lookup(backend, "virtual", "carol+x@example.com"))
          .isEqualTo(LookupResult.found("carol@example.net"));
      assertThat(lookup(backend, "virtual", "x@example.org")).isEqualTo(LookupResult.notFound());
    } finally {
      close(backend);
    }
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int status;
    io.sockmapd.testing.LogLevels levels = io.sockmapd.testing.LogLevels.keep();
    try {
      status =
          io.sockmapd.cli.Main.execute(
              new String[] {"check", "--config", file.toString()},
              io.sockmapd.cli.Backends.DEFAULT,
              new java.io.PrintStream(
                  new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
              new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
    } finally {
      levels.close();
    }
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
  }
}
