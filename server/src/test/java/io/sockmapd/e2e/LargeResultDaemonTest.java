package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.testing.DaemonProcess;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.TestDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A lookup whose result set is far larger than one reply ({@code %} against a {@code LIKE '%s'} map
 * over 200,000 rows) must not take the daemon's memory: the real daemon runs in a JVM of its own
 * with a 64 MB heap that exits on the first {@link OutOfMemoryError}, as {@code sockmapd run} does,
 * and must answer {@code TEMP reply too large} (or {@code TEMP expansion limit exceeded} with
 * {@code expansion_limit}), for four such lookups at once too, and go on answering other keys on
 * the same connections.
 */
class LargeResultDaemonTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  private static final int ROWS = 200_000;
  private static final int CONCURRENT = 4;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.sockmapd.testing.DatabaseExtension#types")
  void hugeResultSetsAnswerTempAndTheDaemonLivesOn(DatabaseType type) throws Exception {
    TestDatabase db = DBS.get(type);
    seed(db);
    Path config = temp.resolve("sockmapd.json");
    Files.writeString(config, config(db.config()));
    // A heap too small for a whole result set.
    try (DaemonProcess daemon =
        DaemonProcess.startOnAnyPort(
            config, temp.resolve("daemon.log"), "-Xmx64m", "-XX:+ExitOnOutOfMemoryError")) {
      InetSocketAddress address = daemon.address();
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () -> {
                assertThat(daemon.process().isAlive())
                    .as("daemon alive; log:\n%s", daemon.output())
                    .isTrue();
                return query(address, "exact", "user1@example.com").equals(value(1));
              });

      // A daemon that ran out of heap is gone: the client sees its connection closed.
      SocketmapResponse first;
      try {
        first = query(address, "like", "%");
      } catch (IOException e) {
        throw new AssertionError("no answer; daemon log:\n" + logTail(daemon), e);
      }
      assertThat(first).isEqualTo(SocketmapResponse.temp("reply too large"));
      assertThat(concurrently(address, "like", "%"))
          .as("log:\n%s", logTail(daemon))
          .containsOnly(SocketmapResponse.temp("reply too large"));
      assertThat(concurrently(address, "like_limited", "%"))
          .as("log:\n%s", logTail(daemon))
          .containsOnly(SocketmapResponse.temp("expansion limit exceeded"));

      assertThat(daemon.process().isAlive()).as("daemon alive; log:\n%s", logTail(daemon)).isTrue();
      try (BlockingSocketmapClient client =
          BlockingSocketmapClient.connect(address, READ_TIMEOUT)) {
        // One connection: a capped answer, then the next request on it is answered as usual.
        assertThat(client.query("like", "user1%"))
            .isEqualTo(SocketmapResponse.temp("reply too large"));
        assertThat(client.query("exact", "user199999@example.com")).isEqualTo(value(199_999));
        assertThat(client.query("like", "user123456@%")).isEqualTo(value(123_456));
        assertThat(client.query("exact", "nobody@example.com"))
            .isEqualTo(SocketmapResponse.notFound());
      }
    }
  }

  /** The {@code big} table: key {@code userN@example.com}, a long value each. */
  private static void seed(TestDatabase db) {
    db.execute("CREATE TABLE big (k VARCHAR(255) NOT NULL, v VARCHAR(255) NOT NULL)");
    String value =
        "'destination-mailbox-number-' || n || '@a-rather-long-destination-domain.example.net'";
    String key = "'user' || n || '@example.com'";
    String insert =
        switch (db.type()) {
          case POSTGRESQL ->
              "INSERT INTO big SELECT "
                  + key
                  + ", "
                  + value
                  + " FROM generate_series(1, "
                  + ROWS
                  + ") AS s(n)";
          case MYSQL ->
              "INSERT INTO big SELECT CONCAT('user', seq, '@example.com'),"
                  + " CONCAT('destination-mailbox-number-', seq,"
                  + " '@a-rather-long-destination-domain.example.net') FROM seq_1_to_"
                  + ROWS;
          case SQLITE ->
              "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < "
                  + ROWS
                  + ") INSERT INTO big SELECT "
                  + key
                  + ", "
                  + value
                  + " FROM c";
          case HTTP -> throw new IllegalArgumentException("not a SQL database");
        };
    db.execute(insert);
    db.execute("CREATE INDEX big_k ON big (k)");
  }

  private static SocketmapResponse value(int n) {
    return SocketmapResponse.ok(
        "destination-mailbox-number-" + n + "@a-rather-long-destination-domain.example.net");
  }

  /** Three maps on the table: exact keys, {@code LIKE}, and {@code LIKE} with a value limit. */
  private static String config(DatabaseConfig db) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("listen").add("inet:127.0.0.1:0");
    ObjectNode database = root.putObject("databases").putObject("db");
    database.put("type", db.type().configName());
    if (db.type() == DatabaseType.SQLITE) {
      database.put("path", String.valueOf(db.path()));
    } else {
      database.putArray("hosts").add(db.hosts().get(0).toString());
      database.put("database", db.database());
      database.put("user", db.user());
      database.put("password", db.password().reveal());
    }
    // Four 200,000-row statements at once on a loaded two-core machine: no deadline in the way.
    database.put("lookup_timeout", "60s");
    ObjectNode maps = root.putObject("maps");
    maps.putObject("exact").put("database", "db").put("query", "SELECT v FROM big WHERE k = '%s'");
    maps.putObject("like")
        .put("database", "db")
        .put("query", "SELECT v FROM big WHERE k LIKE '%s'");
    maps.putObject("like_limited")
        .put("database", "db")
        .put("query", "SELECT v FROM big WHERE k LIKE '%s'")
        .put("expansion_limit", 10);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  private static SocketmapResponse query(InetSocketAddress address, String map, String key)
      throws IOException {
    try (BlockingSocketmapClient client = BlockingSocketmapClient.connect(address, READ_TIMEOUT)) {
      return client.query(map, key);
    }
  }

  /** The same request on {@link #CONCURRENT} connections at once. */
  private static List<SocketmapResponse> concurrently(
      InetSocketAddress address, String map, String key) throws Exception {
    List<BlockingSocketmapClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < CONCURRENT; i++) {
        clients.add(BlockingSocketmapClient.connect(address, READ_TIMEOUT));
      }
      for (BlockingSocketmapClient client : clients) {
        client.writeRequest(map, key);
      }
      List<CompletableFuture<SocketmapResponse>> replies = new ArrayList<>();
      for (BlockingSocketmapClient client : clients) {
        replies.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return client.readReply();
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }));
      }
      List<SocketmapResponse> answers = new ArrayList<>();
      for (CompletableFuture<SocketmapResponse> reply : replies) {
        answers.add(reply.get(120, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      for (BlockingSocketmapClient client : clients) {
        client.close();
      }
    }
  }

  private static String logTail(DaemonProcess daemon) {
    String text = daemon.output();
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }
}
