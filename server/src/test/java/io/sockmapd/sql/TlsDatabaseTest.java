package io.sockmapd.sql;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.cli.Backends;
import io.sockmapd.cli.Main;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.testing.NodeStateLog;
import io.sockmapd.testing.TlsServers;
import io.sockmapd.testing.TlsServers.Server;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS to real PostgreSQL and MariaDB servers (set up by {@code .ci/tls-databases.sh}; they accept
 * logins over TLS only, and their certificate names {@code localhost} only): each {@code tls_mode}
 * gets the answer when the server is who it should be, and {@code TEMP} with one ERROR naming TLS,
 * also printed by {@code sockmapd check}, when it is not.
 */
class TlsDatabaseTest {
  @TempDir Path dir;

  private final Vertx vertx = Vertx.vertx();
  private NodeStateLog log;

  @BeforeEach
  void recordLog() {
    log = NodeStateLog.attachToAll();
  }

  @AfterEach
  void stop() throws Exception {
    log.close();
    // `check` set the log levels as the command does; later test classes log as configured.
    ((LoggerContext) LogManager.getContext(false)).reconfigure();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  static Stream<Arguments> trusted() {
    return Stream.of(DatabaseType.POSTGRESQL, DatabaseType.MYSQL)
        .flatMap(
            type ->
                Stream.of(
                    Arguments.of(type, "require", "localhost", false),
                    // verify-ca checks the chain, not the name: 127.0.0.1 is not in the cert.
                    Arguments.of(type, "verify-ca", "127.0.0.1", true),
                    Arguments.of(type, "verify-full", "localhost", true)));
  }

  @ParameterizedTest(name = "{0} {1} via {2}")
  @MethodSource("trusted")
  void aServerThatIsWhoItShouldBeAnswersOverTls(
      DatabaseType type, String mode, String host, boolean withCa) throws Exception {
    Server server = TlsServers.tls(type).at(host);
    Path config = config(type, server, mode, withCa ? TlsServers.ca() : null);

    LookupResult result = lookupOnce(config);
    // The map answers the session's TLS version: the lookup itself ran encrypted.
    assertThat(result.status()).isEqualTo(SocketmapStatus.OK);
    assertThat(result.text()).startsWith("TLSv1.");
    assertThat(errors()).isEmpty();

    Output check = check(config);
    assertThat(check.exitCode).as(check.stderr).isZero();
  }

  static Stream<Arguments> untrusted() {
    return Stream.of(DatabaseType.POSTGRESQL, DatabaseType.MYSQL)
        .flatMap(
            type ->
                Stream.of(
                    Arguments.of(type, "hostname mismatch"),
                    Arguments.of(type, "wrong CA"),
                    Arguments.of(type, "plain-text server")));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("untrusted")
  void aServerThatIsNotWhoItShouldBeGetsTempAndOneErrorNamingTls(DatabaseType type, String case_)
      throws Exception {
    Path config =
        switch (case_) {
          // The certificate names localhost only.
          case "hostname mismatch" ->
              config(type, TlsServers.tls(type).at("127.0.0.1"), "verify-full", TlsServers.ca());
          case "wrong CA" -> config(type, TlsServers.tls(type), "verify-ca", TlsServers.otherCa());
          case "plain-text server" -> config(type, TlsServers.plain(type), "require", null);
          default -> throw new IllegalArgumentException(case_);
        };

    List<LookupResult> results = lookupTimes(config, 3);
    for (LookupResult result : results) {
      assertThat(result.status()).as(result.text()).isEqualTo(SocketmapStatus.TEMP);
    }
    // The lookup that found out says so; the later ones find the node known down.
    assertThat(results.get(0).text()).isEqualTo("no database node available (database TLS failed)");
    // One ERROR, however many lookups failed: it names TLS and is one line, no stack trace.
    List<NodeStateLog.Line> errors = errors();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).message()).contains("TLS").doesNotContain("\n");

    Output check = check(config);
    assertThat(check.exitCode).isEqualTo(1);
    assertThat(check.stderr).contains("$.databases.db: ").contains("TLS");
    System.out.println(type + " " + case_ + ":\n  log: " + errors.get(0).message());
    System.out.println("  check: " + check.stderr.strip().replace("\n", "\n  check: "));
  }

  /**
   * The ERROR lines logged, but for one known Vert.x bug: its MySQL client (5.0) sends its TLS
   * request without looking whether the server offers TLS; after a plain-text server's refusal it
   * completes the handshake twice, and Vert.x logs that NullPointerException as "Unhandled
   * exception", once per connection attempt. The second completion can also hand the pool's connect
   * handler a connection that has no pool lease: closing it (StatementTimeLimit does, once its SET
   * is done) throws a NullPointerException in the pool's cleanup, logged the same way. Not ours to
   * silence (a node failing on TLS is probed at retry_interval, which bounds it). The line can come
   * after the test that caused it has closed its Vert.x, in the next test: the channel's close
   * finishes the failed handshake late.
   */
  private List<NodeStateLog.Line> errors() {
    return log.lines().stream()
        .filter(l -> l.level().isMoreSpecificThan(Level.ERROR))
        .filter(l -> !isVertxMysqlHandshakeBug(l))
        .toList();
  }

  private static boolean isVertxMysqlHandshakeBug(NodeStateLog.Line line) {
    Throwable thrown = line.thrown();
    if (!line.message().equals("Unhandled exception")
        || !(thrown instanceof NullPointerException)
        || thrown.getStackTrace().length == 0) {
      return false;
    }
    StackTraceElement top = thrown.getStackTrace()[0];
    return top.getClassName().startsWith("io.vertx.mysqlclient.impl.codec.")
        || (top.getClassName()
                .equals("io.vertx.sqlclient.impl.pool.SqlConnectionPool$PooledConnection")
            && top.getMethodName().equals("cleanup"));
  }

  private LookupResult lookupOnce(Path config) throws Exception {
    return lookupTimes(config, 1).get(0);
  }

  /** {@code times} lookups one after another through the SQL backend, as the daemon runs them. */
  private List<LookupResult> lookupTimes(Path config, int times) throws Exception {
    SqlBackend backend = LookupChain.sqlMaps(vertx, new ConfigLoader().load(config));
    try {
      List<LookupResult> results = new java.util.ArrayList<>();
      for (int i = 0; i < times; i++) {
        results.add(
            backend
                .maps()
                .get("tls")
                .lookup("key")
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      backend.close(Duration.ofSeconds(5)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private record Output(int exitCode, String stderr) {}

  /** {@code sockmapd check} on the config, in-process, with the production backend. */
  private static Output check(Path config) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.execute(
            new String[] {"check", "--config", config.toString()},
            Backends.DEFAULT,
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8));
    return new Output(code, err.toString(UTF_8));
  }

  private Path config(DatabaseType type, Server server, String mode, @Nullable Path ca)
      throws Exception {
    String query =
        type == DatabaseType.POSTGRESQL
            ? "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl AND '%s' <> ''"
            : "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
                + " WHERE VARIABLE_NAME = 'Ssl_version' AND '%s' <> ''";
    Path file = dir.resolve("tls.json");
    Files.writeString(
        file,
        "{\"listen\": [\"inet:127.0.0.1:0\"],"
            + " \"databases\": {\"db\": {\"type\": \""
            + type.configName()
            + "\", \"hosts\": [\""
            + server.host()
            + ":"
            + server.port()
            + "\"], \"database\": \""
            + server.database()
            + "\", \"user\": \""
            + server.user()
            + "\", \"password\": \""
            + server.password()
            + "\", \"tls_mode\": \""
            + mode
            + "\""
            + (ca == null ? "" : ", \"tls_ca_file\": \"" + ca + "\"")
            // Room for a handshake on a loaded machine: a slow one would answer "no connection
            // free in time" instead of the TLS failure these tests are about.
            + ", \"connect_timeout\": \"20s\", \"lookup_timeout\": \"25s\""
            + "}},"
            + " \"maps\": {\"tls\": {\"database\": \"db\", \"query\": \""
            + query
            + "\"}}}");
    return file;
  }
}
