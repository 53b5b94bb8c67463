package io.sockmapd.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.BackendFactory;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.NoCaches;
import io.sockmapd.net.ServerFixture;
import io.sockmapd.net.TestMaps;
import io.sockmapd.net.Transport;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process through {@link Main#execute}. */
class MainTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final AtomicBoolean backendBuilt = new AtomicBoolean();
  private final AtomicBoolean backendClosed = new AtomicBoolean();

  /** A backend with one map: "hit" is found, "temp" is a database outage, the rest a miss. */
  private final BackendFactory testBackends =
      new BackendFactory() {
        @Override
        public LookupBackend create(Vertx vertx, SockmapdConfig config) {
          backendBuilt.set(true);
          MapLookup map =
              key ->
                  CompletableFuture.completedFuture(
                      switch (key) {
                        case "hit" -> LookupResult.found("the value");
                        case "temp" -> LookupResult.temp("database down");
                        default -> LookupResult.notFound();
                      });
          return new LookupBackend() {
            @Override
            public Map<String, MapLookup> maps() {
              return Map.of("users", map);
            }

            @Override
            public CompletionStage<Void> close(Duration timeout) {
              backendClosed.set(true);
              return CompletableFuture.completedFuture(null);
            }
          };
        }

        @Override
        public CompletionStage<List<ConfigProblem>> check(Vertx vertx, SockmapdConfig config) {
          return CompletableFuture.completedFuture(
              config.databases().containsKey("down")
                  ? List.of(new ConfigProblem("$.databases.down", "cannot connect"))
                  : List.of());
        }
      };

  private int run(String... args) {
    return Main.execute(
        args, testBackends, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
  }

  private String stdout() {
    return out.toString(UTF_8);
  }

  private String stderr() {
    return err.toString(UTF_8);
  }

  private Path config(String listen, String extra) throws Exception {
    Path file = dir.resolve("sockmapd.json");
    Files.writeString(
        file,
        "{\"listen\": [\""
            + listen
            + "\"],"
            + extra
            + "\"databases\": {\"main\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}},"
            + "\"maps\": {\"users\": {\"database\": \"main\", \"query\": \"SELECT 1\"}}}");
    return file;
  }

  @Test
  void verifyTakesEitherKeysOrASampleAndNeverBuildsABackendWithout() throws Exception {
    Path mainCf = Files.writeString(dir.resolve("main.cf"), "relay_domains = example.com\n");
    Path keys = Files.writeString(dir.resolve("keys.txt"), "users hit\n");
    String[] common = {"verify", "--config", "none.json", "--main-cf", mainCf.toString()};
    assertThat(run(common)).isEqualTo(Main.ERROR);
    assertThat(stderr()).contains("--keys=FILE | --sample=N");
    assertThat(run(concat(common, "--keys", keys.toString(), "--sample", "3")))
        .isEqualTo(Main.ERROR);
    assertThat(stderr()).contains("mutually exclusive");
    assertThat(run(concat(common, "--sample", "0"))).isEqualTo(Main.ERROR);
    assertThat(stderr()).contains("--sample must be at least 1, got 0");
    assertThat(backendBuilt).isFalse();
  }

  private static String[] concat(String[] first, String... more) {
    return java.util.stream.Stream.concat(
            java.util.Arrays.stream(first), java.util.Arrays.stream(more))
        .toArray(String[]::new);
  }

  @Test
  void checkListsEveryProblemWithItsPath() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(
        file,
        "{\"listen\": [\"inet:127.0.0.1:8732\"], \"unix_socket_mode\": \"999\","
            + " \"limits\": {\"max_connections\": 0},"
            + " \"maps\": {\"m\": {\"database\": \"nope\", \"query\": \"SELECT 1\"}}}");
    assertThat(run("check", "--config", file.toString())).isEqualTo(78);
    assertThat(stderr().lines()).hasSize(4).first().isEqualTo("sockmapd: " + file + ": 3 problems");
    assertThat(stderr())
        .contains("$.unix_socket_mode: ")
        .contains("$.limits.max_connections: ")
        .contains("$.maps.m.database: ")
        .doesNotContain("\tat ");
    assertThat(stdout()).isEmpty();
  }

  /** The secure default: an open listener is written, never the result of a forgotten key. */
  @Test
  void aListenerOtherHostsCanReachNeedsAnAllowListInCheckAndRun() throws Exception {
    Path file = config("inet:0.0.0.0:0", "");
    String problem =
        "$.listen: inet:0.0.0.0:0 can be reached from other hosts and has no allow list";
    assertThat(run("check", "--config", file.toString())).isEqualTo(78);
    assertThat(stderr()).contains(problem).contains("[\"0.0.0.0/0\", \"::/0\"]");
    err.reset();
    assertThat(run("run", "--config", file.toString())).isEqualTo(78);
    assertThat(stderr()).contains(problem);
    assertThat(backendClosed).isFalse(); // refused before anything started

    err.reset();
    out.reset();
    Path open = config("inet:0.0.0.0:0", "\"allow\": [\"0.0.0.0/0\", \"::/0\"],");
    assertThat(run("check", "--config", open.toString())).isZero();
    assertThat(stdout()).isEqualTo("config OK: 1 maps, 1 databases, 1 listeners\n");
  }

  @Test
  void checkPrintsASummaryForAGoodConfig() throws Exception {
    Path file = config("inet:127.0.0.1:8732", "");
    assertThat(run("check", "--config", file.toString())).isZero();
    assertThat(stdout()).isEqualTo("config OK: 1 maps, 1 databases, 1 listeners\n");
    // The backend's check builds what it checks; a serving backend beside it opened every pool
    // twice.
    assertThat(backendBuilt).as("a serving backend built by check").isFalse();
  }

  @Test
  void checkReportsWhatTheBackendFinds() throws Exception {
    Path file = dir.resolve("down.json");
    Files.writeString(
        file,
        "{\"listen\": [\"inet:127.0.0.1:8732\"],"
            + "\"databases\": {\"down\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}},"
            + "\"maps\": {\"users\": {\"database\": \"down\", \"query\": \"SELECT 1\"}}}");
    assertThat(run("check", "--config", file.toString())).isEqualTo(1);
    assertThat(stderr()).contains("$.databases.down: cannot connect");
  }

  @Test
  void missingBadAndUnreadableFilesAreOneLine() throws Exception {
    Path missing = dir.resolve("missing.json");
    assertThat(run("check", "--config", missing.toString())).isEqualTo(78);
    assertThat(stderr()).isEqualTo("sockmapd: " + missing + ": file not found\n");

    err.reset();
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"listen\": [");
    assertThat(run("run", "--config", broken.toString())).isEqualTo(78);
    assertThat(stderr().lines()).singleElement().asString().contains("not valid JSON at line 1");

    err.reset();
    assertThat(run("check", "--config", dir.toString())).isEqualTo(78);
    assertThat(stderr().lines()).singleElement().asString().contains(": cannot read: ");
  }

  @Test
  void queryExitCodesFollowPostmap() throws Exception {
    String file = config("inet:127.0.0.1:8732", "").toString();
    assertThat(run("query", "--config", file, "users", "hit")).isZero();
    assertThat(stdout()).isEqualTo("the value\n");
    out.reset();
    assertThat(run("query", "--config", file, "users", "miss")).isEqualTo(1);
    assertThat(stdout()).isEmpty();
    assertThat(stderr()).isEmpty();
    assertThat(run("query", "--config", file, "users", "temp")).isEqualTo(2);
    assertThat(stderr())
        .isEqualTo(
            "sockmapd: TEMP database down (map users, database main at "
                + dir.resolve("maps.db")
                + ")\n");
    err.reset();
    assertThat(run("query", "--config", file, "nosuchmap", "hit")).isEqualTo(2);
    assertThat(stderr()).isEqualTo("sockmapd: PERM unknown map nosuchmap\n");
    assertThat(backendClosed).isTrue();
  }

  /** EX_CONFIG in every command, so that the unit's RestartPreventExitStatus=78 catches a typo. */
  @Test
  void aConfigErrorExits78InEveryCommand() throws Exception {
    Path broken = dir.resolve("typo.json");
    Files.writeString(broken, "{\"listen\": [\"inet:127.0.0.1:8732\"], \"mapz\": {}}");
    for (String[] command :
        List.of(
            new String[] {"run"},
            new String[] {"check"},
            new String[] {"query", "--config", broken.toString(), "users", "hit"},
            new String[] {"flush"},
            new String[] {"reload"})) {
      err.reset();
      String[] args =
          command.length > 1 ? command : new String[] {command[0], "--config", broken.toString()};
      assertThat(run(args)).as(command[0]).isEqualTo(78);
      assertThat(stderr()).as(command[0]).startsWith("sockmapd: " + broken);
    }
  }

  @Test
  void runWithThePortInUseFailsWithOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String endpoint = "inet:127.0.0.1:" + taken.getLocalPort();
      Path file = config(endpoint, "");
      assertThat(run("run", "--config", file.toString())).isEqualTo(1);
      assertThat(stderr())
          .isEqualTo("sockmapd: cannot listen on " + endpoint + ": Address already in use\n");
      assertThat(backendClosed).as("the backend built before the bind is closed").isTrue();

      err.reset();
      assertThat(run("run", "--config", file.toString(), "--stacktrace")).isEqualTo(1);
      assertThat(stderr()).startsWith("sockmapd: cannot listen on ").contains("\tat ");
    }
  }

  @Test
  void flushTalksToTheControlSocket() throws Exception {
    Path control = dir.resolve("control.sock");
    Path file = config("inet:127.0.0.1:0", "\"control_socket\": \"unix:" + control + "\",");
    var caches = new TestMaps.RecordingCacheControl();
    SockmapdConfig loaded = new ConfigLoader().load(file);
    try (var fixture =
        ServerFixture.start(
            loaded, Map.of("users", TestMaps.fixed(Map.of())), caches, Transport.best())) {
      assertThat(run("flush", "--config", file.toString(), "users")).isZero();
      assertThat(stdout()).isEqualTo("flushed users\n");
      assertThat(run("flush", "--config", file.toString())).isZero();
      assertThat(run("flush", "--config", file.toString(), "nocache")).isEqualTo(1);
      assertThat(stderr()).isEqualTo("sockmapd: map nocache has no cache\n");
      assertThat(caches.flushed).containsExactly("users", "*");
      assertThat(fixture.server.acceptedConnections()).isEqualTo(3);
    }
    err.reset();
    assertThat(run("flush", "--config", file.toString())).isEqualTo(1);
    assertThat(stderr()).startsWith("sockmapd: control socket unix:" + control + ": ");
  }

  @Test
  void flushWithoutAControlSocketSaysSo() throws Exception {
    Path file = config("inet:127.0.0.1:8732", "");
    assertThat(run("flush", "--config", file.toString())).isEqualTo(1);
    assertThat(stderr()).isEqualTo("sockmapd: " + file + ": no control_socket configured\n");
    assertThat(NoCaches.INSTANCE.flush("users")).isFalse();
  }
}
