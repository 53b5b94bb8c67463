package io.sockmapd.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.testing.LogLevels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sockmapd check} with the real backend, on SQLite files. */
class CheckCommandTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int check(Path config) {
    LogLevels levels = LogLevels.keep();
    try {
      return Main.execute(
          new String[] {"check", "--config", config.toString()},
          Backends.DEFAULT,
          new PrintStream(out, true, UTF_8),
          new PrintStream(err, true, UTF_8));
    } finally {
      levels.close();
    }
  }

  /**
   * The check builds each database once: a second backend built beside it ran the init_sql of a new
   * SQLite file a second time, racing the first on the same file.
   */
  @Test
  void aCheckRunsAnInitSqlScriptOnce() throws Exception {
    Path runs = dir.resolve("runs.db");
    // Each run of the script leaves a row in runs.db, then takes a while, so that a second run
    // started beside it would find no file in place yet and run too.
    Files.writeString(
        dir.resolve("seed.sql"),
        "ATTACH DATABASE '"
            + runs
            + "' AS runs;\n"
            + "CREATE TABLE IF NOT EXISTS runs.log (n INTEGER);\n"
            + "INSERT INTO runs.log VALUES (1);\n"
            + "DETACH DATABASE runs;\n"
            + "CREATE TABLE users (k TEXT, v TEXT);\n"
            + "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000)"
            + " SELECT count(*) FROM c;\n");
    Path config = dir.resolve("sockmapd.json");
    Files.writeString(
        config,
        """
        {"listen": ["inet:127.0.0.1:8732"],
         "databases": {"main": {"type": "sqlite", "path": "maps.db", "init_sql": "seed.sql",
                                "lookup_timeout": "60s"}},
         "maps": {"users": {"database": "main", "query": "SELECT v FROM users WHERE k = '%s'"}}}
        """);

    int exitCode = check(config);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + runs);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT count(*) FROM log")) {
      rows.next();
      assertThat(rows.getInt(1)).as("runs of init_sql").isEqualTo(1);
    }
    assertThat(exitCode).as(err.toString(UTF_8)).isZero();
    assertThat(Files.exists(dir.resolve("maps.db"))).isTrue();
  }

  /** A database or map may be called anything: each problem still lands on its own JSON path. */
  @Test
  void problemsAreLocatedForNamesWithSpacesColonsAndParentheses() throws Exception {
    Path config = dir.resolve("sockmapd.json");
    Files.writeString(
        config,
        """
        {"listen": ["inet:127.0.0.1:8732"],
         "databases": {
           "main db (old): 2": {"type": "sqlite", "path": "no/such/folder/old.db"},
           "aliases (new)": {"type": "sqlite", "path": "aliases.db"}},
         "maps": {
           "old": {"database": "main db (old): 2", "query": "SELECT 1 WHERE '%s' = ''"},
           "virtual(1)": {"database": "aliases (new)",
                          "query": "SELECT goto FROM no_such_table WHERE address = '%s'"}}}
        """);

    assertThat(check(config)).isEqualTo(1);
    assertThat(err.toString(UTF_8))
        .contains(
            "$.databases['main db (old): 2']: database main db (old): 2 at "
                + dir.resolve("no/such/folder/old.db")
                + ": cannot connect")
        .contains("$.maps['virtual(1)']: map virtual(1) (database aliases (new)): ");
  }

  /** A query the backend can't use is a config error (78), like any the loader finds. */
  @Test
  void aQueryTheBackendCannotUseExits78() throws Exception {
    Path config = dir.resolve("sockmapd.json");
    Files.writeString(
        config,
        """
        {"listen": ["inet:127.0.0.1:8732"],
         "databases": {"main": {"type": "sqlite", "path": "maps.db"}},
         "maps": {"users": {"database": "main", "query": "SELECT v FROM users WHERE k = '%x'"}}}
        """);

    assertThat(check(config)).isEqualTo(78);
    assertThat(err.toString(UTF_8)).contains("$.maps.users.query: map users: ");
  }
}
