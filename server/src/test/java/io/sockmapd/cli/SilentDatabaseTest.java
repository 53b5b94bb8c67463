package io.sockmapd.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} and {@code query} against a database that accepts connections and never says a
 * word: both must give up within the database's own timeouts (plus the short close of a one-shot
 * command), name the database and its host, and never show the password.
 */
class SilentDatabaseTest {
  /**
   * Far above what the commands now take (about 1 s of timeouts plus 2 s of closing), below what
   * they took when closing waited the daemon's full limits (12 s and more).
   */
  private static final Duration BOUND = Duration.ofSeconds(9);

  private static final String PASSWORD = "Hunter2Secret";

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private ServerSocket silent;
  private Path config;

  @BeforeEach
  void startSilentDatabase() throws Exception {
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  accepted.add(silent.accept()); // kept open, never written to
                }
              } catch (IOException e) {
                // closed by the test
              }
            },
            "silent-database");
    acceptor.setDaemon(true);
    acceptor.start();
    config = dir.resolve("sockmapd.json");
    Files.writeString(
        config,
        "{\"listen\": [\"inet:127.0.0.1:0\"],"
            + " \"databases\": {\"main\": {\"type\": \"postgresql\","
            + " \"hosts\": [\"127.0.0.1:"
            + silent.getLocalPort()
            + "\"], \"database\": \"mail\", \"user\": \"postfix\", \"password\": \""
            + PASSWORD
            + "\", \"connect_timeout\": \"300ms\", \"lookup_timeout\": \"1s\"}},"
            + " \"maps\": {\"m\": {\"database\": \"main\","
            + " \"query\": \"SELECT v FROM kv WHERE k = '%s'\"}}}");
  }

  @AfterEach
  void stopSilentDatabase() throws IOException {
    silent.close();
    for (Socket socket : accepted) {
      socket.close();
    }
  }

  private int run(String... args) {
    return Main.execute(
        args,
        Backends.DEFAULT,
        new PrintStream(out, true, UTF_8),
        new PrintStream(err, true, UTF_8));
  }

  private String where() {
    return "database main at 127.0.0.1:" + silent.getLocalPort();
  }

  @Test
  void checkNamesTheDatabaseAndHostThatDidNotAnswerWithinItsTimeouts() {
    long start = System.nanoTime();
    int exitCode = run("check", "--config", config.toString());
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString(UTF_8))
        .contains("$.databases.main: " + where() + ": ")
        .doesNotContain(PASSWORD);
    assertThat(took).isLessThan(BOUND);
  }

  @Test
  void queryNamesTheMapDatabaseAndHostWithinItsTimeouts() {
    long start = System.nanoTime();
    int exitCode = run("query", "--config", config.toString(), "m", "someone@example.com");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString(UTF_8))
        .startsWith("sockmapd: T")
        .endsWith(" (map m, " + where() + ")\n")
        .doesNotContain(PASSWORD);
    assertThat(out.toString(UTF_8)).isEmpty();
    assertThat(took).isLessThan(BOUND);
  }

  @Test
  void aConfigFileThatIsNotJsonDoesNotShowItsText() throws Exception {
    Files.writeString(config, "{\"password\": " + PASSWORD + "}");
    assertThat(run("check", "--config", config.toString())).isEqualTo(78);
    assertThat(err.toString(UTF_8).lines())
        .singleElement()
        .asString()
        .contains("not valid JSON at line 1, column ")
        .contains("$.password")
        .doesNotContain(PASSWORD);
  }
}
