package io.sockmapd.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.cli.Backends;
import io.sockmapd.cli.Main;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.Endpoint;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.testing.ClosedLoopClients;
import io.sockmapd.testing.DaemonProcess;
import io.sockmapd.testing.KvTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof of a reload without a restart: a daemon process under 32 closed-loop
 * connections (half on a cached map, half on a map whose every lookup keeps SQLite busy a while, so
 * that lookups are in flight at each swap) is reloaded 20 times, alternately with a good file and a
 * broken one (JSON syntax, a database host that does not exist, SQL naming a missing table, a limit
 * only a restart can change), through {@code sockmapd reload} and through a real {@code kill -HUP}
 * (each kind both ways). No request may fail or get a wrong answer, no connection may close, every
 * broken file must be refused with its reason while the old maps keep serving, and the map whose
 * query changed must answer from the new query right after each good reload.
 */
class ReloadUnderLoadTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final int CONNECTIONS = 32;
  private static final int RELOADS = 20;

  @TempDir Path dir;
  private Path config;
  private Endpoint.Unix socket;
  private Endpoint.Unix control;

  @Test
  @Timeout(180)
  void twentyReloadsUnderLoadLoseNothing() throws Exception {
    seed();
    socket = new Endpoint.Unix(dir.resolve("maps.sock"));
    control = new Endpoint.Unix(dir.resolve("control.sock"));
    config = dir.resolve("sockmapd.json");
    Files.writeString(config, good(0));
    try (DaemonProcess daemon = DaemonProcess.start(config, socket, "-Xmx128m");
        ClosedLoopClients cached = new ClosedLoopClients(CONNECTIONS / 2, "kv", i -> connect());
        ClosedLoopClients uncached =
            new ClosedLoopClients(CONNECTIONS / 2, "slow", i -> connect())) {
      assertThat(changedAnswer()).isEqualTo(SocketmapResponse.ok("g0:value-1"));
      int generation = 0;
      int unreadByDaemon = 0;
      long slowest = 0;
      long loadStarted = System.nanoTime();
      for (int reload = 1; reload <= RELOADS; reload++) {
        boolean valid = reload % 2 == 0;
        String file = valid ? good(++generation) : broken(reload / 2);
        Files.writeString(config, file);
        long before = (long) cached.size() + uncached.size();
        long started = System.nanoTime();
        if (reload % 3 == 1) {
          hangUp(daemon, valid, reload);
          if (!valid) {
            assertThat(daemon.output()).contains(reason(reload / 2));
          }
        } else if (!valid && isSyntaxError(reload)) {
          // The command reads the file for the control socket's address: it refuses it itself.
          Outcome outcome = reloadCommand();
          assertThat(outcome.exitCode).as("reload %d: %s", reload, outcome).isEqualTo(78);
          assertThat(outcome.err).contains("not valid JSON");
          unreadByDaemon++;
        } else {
          Outcome outcome = reloadCommand();
          assertThat(outcome.exitCode)
              .as("reload %d: %s", reload, outcome)
              .isEqualTo(valid ? 0 : 1);
          assertThat(valid ? outcome.out : outcome.err)
              .as("reload %d", reload)
              .contains(
                  valid
                      ? "reloaded: 3 maps (changed: changed;"
                      : "sockmapd: reload failed: " + reason(reload / 2));
        }
        slowest = Math.max(slowest, System.nanoTime() - started);
        // The old maps serve after a refusal, the new query right after a success.
        assertThat(changedAnswer())
            .as("reload %d", reload)
            .isEqualTo(SocketmapResponse.ok("g" + generation + ":value-1"));
        await().atMost(LIMIT).until(() -> cached.size() + uncached.size() > before + CONNECTIONS);
      }
      List<ClosedLoopClients.Sample> samples = new ArrayList<>(cached.stop(LIMIT));
      samples.addAll(uncached.stop(LIMIT));
      System.out.printf(
          "%d requests on %d connections in %d ms over %d reloads; slowest reload %d ms%n",
          samples.size(),
          CONNECTIONS,
          (System.nanoTime() - loadStarted) / 1_000_000,
          RELOADS,
          slowest / 1_000_000);
      assertThat(samples).hasSizeGreaterThan(RELOADS * CONNECTIONS);
      assertThat(samples.stream().filter(s -> s.error() != null))
          .as("failed requests (a closed connection ends its client with an error)")
          .isEmpty();
      assertThat(samples.stream().filter(s -> !s.correct())).as("wrong answers").isEmpty();
      assertThat(countLines(daemon, "reloaded the configuration: ")).isEqualTo(RELOADS / 2);
      assertThat(countLines(daemon, "reload failed, the previous configuration keeps serving"))
          .isEqualTo(RELOADS / 2 - unreadByDaemon);
      assertThat(daemon.terminate(LIMIT)).as(daemon.output()).isZero();
    }
  }

  private void seed() throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("maps.db"));
        Statement sql = db.createStatement()) {
      sql.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)");
      for (int i = 0; i < KvTable.ROWS; i++) {
        sql.execute("INSERT INTO kv VALUES ('" + KvTable.key(i) + "', 'value-" + i + "')");
      }
    }
  }

  /** A good file whose map {@code changed} prefixes its values with {@code gN:}. */
  private String good(int generation) {
    return file("", "SELECT 'g" + generation + ":' || v FROM kv WHERE k = '%s'", "");
  }

  private static boolean isSyntaxError(int reload) {
    return (reload / 2) % 4 == 0;
  }

  /** What the daemon says of the broken file {@code n} (the syntax error is the command's). */
  private static String reason(int n) {
    return switch (n % 4) {
      case 1 -> "$.databases.remote: database remote at no-such-host.invalid:5432: cannot connect";
      case 2 -> "$.maps.changed: map changed (database lite): ";
      case 3 -> "a restart is needed to change limits.max_connections; nothing changed";
      default -> "not valid JSON";
    };
  }

  /** The four kinds of broken file, in turn. */
  private String broken(int n) {
    return switch (n % 4) {
      case 0 -> "{\"listen\": [\"" + socket + "\"], \"maps\": ";
      case 1 ->
          file(
              ", \"remote\": {\"type\": \"postgresql\", \"hosts\": [\"no-such-host.invalid\"],"
                  + " \"database\": \"maps\", \"user\": \"sockmapd\", \"connect_timeout\": \"1s\"}",
              "SELECT v FROM kv WHERE k = '%s'",
              ", \"remote\": {\"database\": \"remote\", \"query\": \"SELECT v FROM t WHERE k = '%s'\"}");
      case 2 -> file("", "SELECT v FROM no_such_table WHERE k = '%s'", "");
      default ->
          file("", "SELECT v FROM kv WHERE k = '%s'", "")
              .replaceFirst("\\{", "{\"limits\": {\"max_connections\": 500}, ");
    };
  }

  private String file(String moreDatabases, String changedQuery, String moreMaps) {
    return "{\"listen\": [\""
        + socket
        + "\"], \"control_socket\": \""
        + control
        + "\","
        + " \"databases\": {\"lite\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}"
        + moreDatabases
        + "},"
        + " \"maps\": {\"kv\": {\"database\": \"lite\", \"query\": \"SELECT v FROM kv WHERE k ="
        + " '%s'\", \"cache\": {\"ttl\": \"1m\", \"negative_ttl\": \"1m\"}},"
        + " \"slow\": {\"database\": \"lite\", \"query\": \"SELECT v FROM kv WHERE k = '%s'"
        + " AND (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)"
        + " SELECT count(*) FROM c) > 0\"},"
        + " \"changed\": {\"database\": \"lite\", \"query\": \""
        + changedQuery
        + "\"}"
        + moreMaps
        + "}}";
  }

  private BlockingSocketmapClient connect() {
    try {
      return BlockingSocketmapClient.connect(socket, LIMIT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private SocketmapResponse changedAnswer() throws IOException {
    try (BlockingSocketmapClient client = connect()) {
      return client.query("changed", KvTable.key(1));
    }
  }

  private record Outcome(int exitCode, String out, String err) {}

  private Outcome reloadCommand() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode =
        Main.execute(
            new String[] {"reload", "--config", config.toString()},
            Backends.DEFAULT,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A real SIGHUP to the daemon process; waits for the log line of its outcome. */
  private static void hangUp(DaemonProcess daemon, boolean valid, int reload) throws Exception {
    String outcome =
        valid
            ? "reloaded the configuration: "
            : "reload failed, the previous configuration keeps serving";
    long before = countLines(daemon, outcome);
    daemon.hangUp();
    await()
        .atMost(LIMIT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> countLines(daemon, outcome) > before || !daemon.process().isAlive());
    assertThat(daemon.process().isAlive()).as("alive after SIGHUP %d", reload).isTrue();
    assertThat(countLines(daemon, outcome)).as("reload %d", reload).isEqualTo(before + 1);
  }

  private static long countLines(DaemonProcess daemon, String text) {
    return daemon
        .output()
        .lines()
        .filter(Pattern.compile(Pattern.quote(text)).asPredicate())
        .count();
  }
}
