package io.sockmapd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.testing.DaemonProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real daemon in its own JVM with the recommended {@code -Xmx64m -XX:+ExitOnOutOfMemoryError},
 * attacked by one misbehaving client while a bystander checks that its lookups are still answered
 * and the process stays up. A daemon that runs out of memory exits here, as it would in production.
 */
class DaemonMemoryPressureTest {
  private static final Duration BYSTANDER_TIMEOUT = Duration.ofSeconds(5);

  @TempDir Path dir;
  private DaemonProcess daemon;
  private InetSocketAddress address;

  @BeforeEach
  void start() throws Exception {
    Files.writeString(
        dir.resolve("seed.sql"),
        "CREATE TABLE users (k TEXT PRIMARY KEY, v TEXT NOT NULL);\n"
            + "INSERT INTO users VALUES ('alice', 'A');\n");
    // "big" answers every key with 99,990 bytes, from the cache after the first time.
    Files.writeString(
        dir.resolve("sockmapd.json"),
        """
        {
          "listen": ["inet:127.0.0.1:0"],
          "databases": { "db": { "type": "sqlite", "path": "db.sqlite", "init_sql": "seed.sql" } },
          "maps": {
            "users": { "database": "db", "query": "SELECT v FROM users WHERE k = '%s'" },
            "big": {
              "database": "db",
              "query": "SELECT substr(hex(zeroblob(49995)), 1, 99990) WHERE '%s' <> ''",
              "cache": { "ttl": "5m" }
            }
          }
        }
        """);
    daemon =
        DaemonProcess.startOnAnyPort(
            dir.resolve("sockmapd.json"),
            dir.resolve("daemon.log"),
            "-Xmx64m",
            "-XX:+ExitOnOutOfMemoryError");
    address = daemon.address();
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> bystanderQuery().equals(SocketmapResponse.ok("A")));
  }

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private SocketmapResponse bystanderQuery() throws IOException {
    try (var client = BlockingSocketmapClient.connect(address, BYSTANDER_TIMEOUT)) {
      return client.query("users", "alice");
    }
  }

  private String bystanderAnswer() throws IOException {
    SocketmapResponse response = bystanderQuery();
    return response.status() + " " + response.text();
  }

  private SocketChannel connect() throws IOException {
    return SocketChannel.open(address);
  }

  /** The bystander's lookups, one every 200 ms, each on a new connection, while the attack runs. */
  private List<String> bystanderWhile(Future<?> attack, int atLeast) throws Exception {
    List<String> answers = new ArrayList<>();
    // Bounded even when the daemon is stuck: each lookup has its own 5 s timeout.
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while ((answers.size() < atLeast || !attack.isDone()) && System.nanoTime() < end) {
      try {
        answers.add(bystanderAnswer());
      } catch (IOException e) {
        answers.add(e.toString() + (daemon.process().isAlive() ? "" : " (daemon exited)"));
      }
      Thread.sleep(200); // a steady trickle of lookups, not a synchronisation
    }
    return answers;
  }

  private String log() {
    return daemon.output();
  }

  @Test
  void clientThatPipelinesHugeRepliesAndNeverReadsCannotTakeTheDaemonDown() throws Exception {
    ByteArrayOutputStream chunk = new ByteArrayOutputStream();
    for (int i = 0; i < 5000; i++) {
      chunk.writeBytes(BlockingSocketmapClient.netstring("big k".getBytes(UTF_8)));
    }
    byte[] requests = chunk.toByteArray();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (SocketChannel greedy = connect()) {
      // Writes until the daemon stops reading (or for 8 s), never reads a byte.
      long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      Future<?> attack =
          pool.submit(
              () -> {
                greedy.configureBlocking(false);
                while (System.nanoTime() < end) {
                  if (greedy.write(ByteBuffer.wrap(requests)) == 0) {
                    Thread.sleep(50); // the daemon has stopped reading: keep the pressure on
                  }
                }
                return null;
              });
      List<String> answers = bystanderWhile(attack, 20);
      assertThat(answers).as("bystander, daemon log:%n%s", log()).containsOnly("OK A");
      assertThat(daemon.process().isAlive()).as("daemon alive, log:%n%s", log()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void thousandStalledPartialRequestsCannotTakeTheDaemonDown() throws Exception {
    byte[] partial = new byte[7 + 99_980];
    System.arraycopy("100000:".getBytes(UTF_8), 0, partial, 0, 7);
    List<SocketChannel> stalled = new ArrayList<>();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> attack =
          pool.submit(
              () -> {
                for (int i = 0; i < 1000; i++) {
                  SocketChannel channel = connect();
                  stalled.add(channel);
                  try {
                    channel.write(ByteBuffer.wrap(partial));
                  } catch (IOException closedByTheDaemon) {
                    // a connection over the budget is closed: that is the point
                  }
                }
                return null;
              });
      List<String> answers = bystanderWhile(attack, 20);
      assertThat(attack).isDone();
      for (int i = 0; i < 5; i++) {
        answers.add(bystanderAnswer());
      }
      assertThat(answers).as("bystander, daemon log:%n%s", log()).containsOnly("OK A");
      assertThat(daemon.process().isAlive()).as("daemon alive, log:%n%s", log()).isTrue();
      assertThat(log()).contains("max_buffered_bytes");
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
      for (SocketChannel channel : stalled) {
        channel.close();
      }
    }
  }
}
