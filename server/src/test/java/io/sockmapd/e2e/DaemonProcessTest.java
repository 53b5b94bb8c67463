package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.Endpoint;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.testing.DaemonProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as its own process, started as {@code sockmapd run} is, on a SQLite map: what only a
 * whole JVM shows.
 */
class DaemonProcessTest {
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Endpoint.Unix socket;

  @BeforeEach
  void seed() throws Exception {
    socket = new Endpoint.Unix(dir.resolve("sockmapd.sock"));
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("maps.db"));
        Statement sql = db.createStatement()) {
      sql.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)");
      sql.execute("INSERT INTO kv VALUES ('known@example.com', 'the value')");
    }
  }

  private Path config(String cache) throws Exception {
    Path file = dir.resolve("sockmapd.json");
    Files.writeString(
        file,
        "{\"listen\": [\""
            + socket
            + "\"],"
            + " \"databases\": {\"lite\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}},"
            + " \"maps\": {\"kv\": {\"database\": \"lite\","
            + " \"query\": \"SELECT v FROM kv WHERE k = '%s'\""
            + cache
            + "}}}");
    return file;
  }

  private static void assertKnownKeyAnswered(BlockingSocketmapClient client) throws Exception {
    assertThat(client.query("kv", "known@example.com"))
        .isEqualTo(SocketmapResponse.ok("the value"));
  }

  @Test
  @Timeout(120)
  void sigtermShutsDownCleanlyWithExitCodeZeroAndRemovesTheSocket() throws Exception {
    try (DaemonProcess daemon = DaemonProcess.start(config(""), socket, "-Xmx64m")) {
      try (BlockingSocketmapClient client =
          BlockingSocketmapClient.connect(socket, CLIENT_TIMEOUT)) {
        assertKnownKeyAnswered(client);
      }
      assertThat(socket.path()).exists();

      int exitCode = daemon.terminate(Duration.ofSeconds(60));

      assertThat(exitCode).as("exit code; output:%n%s", daemon.output()).isZero();
      assertThat(socket.path()).doesNotExist();
      assertThat(daemon.output()).contains("shutting down").contains("stopped");
    }
  }

  /**
   * Distinct keys of 2,000 bytes, every one a miss, on a cached map in a 64 MB heap. Counting
   * entries alone, about 26,000 such keys exhausted that heap; weighed by bytes, the cache stays
   * within its share. {@code max_key_length} is raised so that these keys are cached at all.
   */
  @Test
  @Timeout(180)
  void manyLongDistinctKeysDoNotExhaustASmallHeap() throws Exception {
    int keys = 40_000;
    int batch = 64;
    Path config = config(", \"cache\": {\"ttl\": \"1h\", \"max_key_length\": 4096}");
    try (DaemonProcess daemon =
            DaemonProcess.start(config, socket, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError");
        BlockingSocketmapClient client = BlockingSocketmapClient.connect(socket, CLIENT_TIMEOUT)) {
      String padding = "x".repeat(2_000);
      try {
        sendDistinctKeys(client, keys, batch, padding, daemon);
      } catch (IOException e) {
        throw new AssertionError("connection lost; daemon output:\n" + daemon.output(), e);
      }

      assertKnownKeyAnswered(client);
      assertThat(daemon.process().isAlive()).as("output:%n%s", daemon.output()).isTrue();
      assertThat(daemon.output()).doesNotContain("OutOfMemoryError");
    }
  }

  private static void sendDistinctKeys(
      BlockingSocketmapClient client, int keys, int batch, String padding, DaemonProcess daemon)
      throws Exception {
    for (int sent = 0; sent < keys; sent += batch) {
      for (int i = sent; i < sent + batch; i++) {
        String key = "u" + i + "@";
        client.writeRequest("kv", key + padding.substring(key.length()));
      }
      for (int i = 0; i < batch; i++) {
        SocketmapResponse reply = client.readReply();
        assertThat(reply.status())
            .as("reply to key %d; daemon output:%n%s", sent + i, daemon.output())
            .isEqualTo(SocketmapStatus.NOTFOUND);
      }
      if (sent % 4_096 == 0) {
        assertKnownKeyAnswered(client);
      }
    }
  }
}
