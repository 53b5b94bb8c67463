package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.Daemon;
import io.sockmapd.testing.Postmap;
import io.sockmapd.testing.Postmap.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code "protocol": "tcp_table"} listener of the real daemon, on a real SQLite map, asked by
 * Postfix's own tcp_table client ({@code postmap -q KEY tcp:HOST:PORT}). Skipped without {@code
 * postmap}, except under {@code CI=true}.
 */
class TcpTableTest {
  /** A key with a space, a percent sign and non-ASCII: hex-quoted on the wire. */
  private static final String ODD_KEY = "john smith 100%@exämple.com";

  /** A value with a space, a percent sign, a tab and non-ASCII: hex-quoted on the wire. */
  private static final String ODD_VALUE = "relay:[mx.example] 100%\tü";

  @TempDir static Path temp;
  private static Postmap postmap;
  private static Daemon daemon;
  private static String table;

  @BeforeAll
  static void start() throws Exception {
    Path conf = Files.createDirectories(temp.resolve("postfix"));
    postmap = Postmap.require(conf, Postmap.MAIN_CF, "tcp");
    Files.writeString(
        temp.resolve("seed.sql"),
        "CREATE TABLE users (k TEXT PRIMARY KEY, v TEXT NOT NULL);\n"
            + "INSERT INTO users VALUES ('alice@example.com', 'alice');\n"
            + "INSERT INTO users VALUES ('"
            + ODD_KEY
            + "', '"
            + ODD_VALUE
            + "');\n"
            + "INSERT INTO users VALUES ('boom', 'never sent');\n");
    // The row "boom" makes the database fail the query (json() of text that is not JSON).
    Files.writeString(
        temp.resolve("sockmapd.json"),
        """
        {
          "listen": [
            "inet:127.0.0.1:0",
            {"address": "inet:127.0.0.1:0", "protocol": "tcp_table", "map": "users"}
          ],
          "databases": { "db": { "type": "sqlite", "path": "db.sqlite", "init_sql": "seed.sql" } },
          "maps": {
            "users": {
              "database": "db",
              "query": "SELECT CASE WHEN k = 'boom' THEN json(k) ELSE v END FROM users WHERE k = '%s'"
            }
          }
        }
        """);
    daemon = Examples.startDaemon(temp.resolve("sockmapd.json"));
    var tcpListener = daemon.server().listeners().get(1);
    table = "tcp:" + tcpListener.localAddress().toString().replaceFirst("^.*/", "");
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void foundPrintsTheValue() {
    assertThat(postmap.query("alice@example.com", table)).isEqualTo(new Run(0, "alice\n", ""));
  }

  @Test
  void notFoundExitsOneQuietly() {
    assertThat(postmap.query("nobody@example.com", table)).isEqualTo(new Run(1, "", ""));
  }

  @Test
  void keyAndValueThatNeedQuotingArriveWhole() {
    assertThat(postmap.query(ODD_KEY, table)).isEqualTo(new Run(0, ODD_VALUE + "\n", ""));
  }

  @Test
  void keysAreFoldedAsForSocketmap() {
    assertThat(postmap.query("Alice@Example.COM", table)).isEqualTo(new Run(0, "alice\n", ""));
  }

  @Test
  void batchAnswersEveryKeyInOrder() {
    Run run =
        postmap.queryBatch(
            List.of("alice@example.com", "nobody@example.com", ODD_KEY, "alice@example.com"),
            table);
    assertThat(run)
        .isEqualTo(
            new Run(
                0,
                "alice@example.com\talice\n"
                    + ODD_KEY
                    + "\t"
                    + ODD_VALUE
                    + "\nalice@example.com\talice\n",
                ""));
  }

  @Test
  void databaseFailureIsATemporaryError() {
    // 400: Postfix's client reports a query error (postmap -q makes it fatal, exit 1), unlike a
    // miss, which exits 1 quietly; the query's result never reaches it.
    Run run = postmap.query("boom", table);
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr()).startsWith("postmap: fatal: table " + table + ": query error");
    assertThat(postmap.query("alice@example.com", table)).isEqualTo(new Run(0, "alice\n", ""));
  }
}
