package io.sockmapd.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.LookupChain;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The http database type against a real HTTP server ({@link RestApplication}) started here: what
 * each kind of answer becomes, the request on the wire, the deadline, the body limit, failover to a
 * second URL when the first refuses connections, and https verified against a test CA.
 */
class HttpBackendTest {
  @TempDir Path temp;
  private Vertx vertx;
  private RestApplication app;
  private LookupBackend backend;
  // Tight, so the timeout test is quick; the TLS test allows more for handshakes on a busy host.
  private String lookupTimeout = "2s";
  private String connectTimeout = "1s";

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    app = RestApplication.start(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (backend != null) {
      backend.close(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    app.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A config with one http database on {@code urls} and the maps "sm" and "tcp" on it. */
  private LookupBackend backend(String urls, String extraDatabaseKeys) throws ConfigException {
    String json =
        """
        {"listen": ["inet:127.0.0.1:0"],
         "databases": {"rest": {"type": "http", "urls": [%s], "lookup_timeout": "%s",
                                "connect_timeout": "%s", "retry_interval": "1h",
                                "auth_token": "${REST_TOKEN}", "user_agent": "sockmapd-test",
                                "max_response_size": 100000 %s}},
         "maps": {"sm": {"database": "rest", "url_path": "/api/socketmap", "fold_case": false},
                  "tcp": {"database": "rest", "url_path": "/api/tcp", "http_parameters": "key",
                          "value_separator": " "},
                  "cached": {"database": "rest", "url_path": "/api/cached",
                             "cache": {"ttl": "1m"}}}}
        """
            .formatted(urls, lookupTimeout, connectTimeout, extraDatabaseKeys);
    SockmapdConfig config =
        new ConfigLoader(name -> name.equals("REST_TOKEN") ? "t0ken" : null)
            .parse(json, "test", temp);
    backend = LookupChain.build(vertx, config);
    return backend;
  }

  private LookupBackend backend() throws ConfigException {
    return backend("\"http://127.0.0.1:" + app.port() + "\"", "");
  }

  private static LookupResult ask(LookupBackend backend, String map, String key) throws Exception {
    return backend.maps().get(map).lookup(key).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void arraysAndStringsAreValuesAsPostfixRestConnectorReadsThem() throws Exception {
    app.values.put("info@example.com", "[\"alice@example.net\", \"bob@example.net\"]");
    app.values.put("one", "\"just this\"");
    app.values.put("empty", "[]");
    app.values.put("emptystring", "\"\"");
    LookupBackend b = backend();

    assertThat(ask(b, "sm", "info@example.com"))
        .isEqualTo(LookupResult.found("alice@example.net,bob@example.net"));
    assertThat(ask(b, "tcp", "info@example.com"))
        .isEqualTo(LookupResult.found("alice@example.net bob@example.net"));
    assertThat(ask(b, "sm", "one")).isEqualTo(LookupResult.found("just this"));
    assertThat(ask(b, "sm", "empty")).isEqualTo(LookupResult.notFound());
    assertThat(ask(b, "sm", "emptystring")).isEqualTo(LookupResult.notFound());
    assertThat(ask(b, "sm", "missing")).isEqualTo(LookupResult.notFound());
  }

  @Test
  void sendsPostfixRestConnectorsRequest() throws Exception {
    LookupBackend b = backend();
    ask(b, "sm", "Some Key&x=1%");
    ask(b, "tcp", "other");

    assertThat(app.seen).hasSize(2);
    RestApplication.Seen socketmap = app.seen.get(0);
    assertThat(socketmap.path()).isEqualTo("/api/socketmap");
    // Encoded on the wire, decoded by the server: the key arrives exactly, in one parameter.
    assertThat(socketmap.query())
        .containsExactly(Map.entry("name", "sm"), Map.entry("key", "Some Key&x=1%"));
    assertThat(socketmap.userAgent()).isEqualTo("sockmapd-test");
    assertThat(socketmap.token()).isEqualTo("t0ken");
    RestApplication.Seen tcp = app.seen.get(1);
    assertThat(tcp.path()).isEqualTo("/api/tcp");
    assertThat(tcp.query()).containsExactly(Map.entry("key", "other"));
  }

  @Test
  void theCacheWorksInFrontOfIt() throws Exception {
    app.values.put("c", "[\"cached value\"]");
    LookupBackend b = backend();
    assertThat(ask(b, "cached", "c")).isEqualTo(LookupResult.found("cached value"));
    assertThat(ask(b, "cached", "c")).isEqualTo(LookupResult.found("cached value"));
    assertThat(ask(b, "cached", "nothing")).isEqualTo(LookupResult.notFound());
    assertThat(ask(b, "cached", "nothing")).isEqualTo(LookupResult.notFound());
    // One request per key: the second lookups were answered from the cache.
    assertThat(app.seen).extracting(RestApplication.Seen::path).hasSize(2);
    // Without a cache, every lookup is a request.
    ask(b, "sm", "c");
    ask(b, "sm", "c");
    assertThat(app.seen).hasSize(4);
  }

  @Test
  void errorStatusesAreTheProtocolsErrors() throws Exception {
    LookupBackend b = backend();
    assertThat(ask(b, "sm", "forbidden").status()).isEqualTo(SocketmapStatus.PERM);
    assertThat(ask(b, "sm", "broken"))
        .isEqualTo(LookupResult.temp("no http node available (http status 500)"));
    assertThat(ask(b, "sm", "redirect").status()).isEqualTo(SocketmapStatus.TEMP);
  }

  @Test
  void garbageIsTemporary() throws Exception {
    app.values.put("garbage", "{not json");
    app.values.put("object", "{\"value\": \"x\"}");
    app.values.put("numbers", "[1, 2]");
    app.values.put("trailing", "[\"a\"] [\"b\"]");
    LookupBackend b = backend();
    for (String key : List.of("garbage", "object", "numbers", "trailing")) {
      assertThat(ask(b, "sm", key))
          .as(key)
          .isEqualTo(LookupResult.temp("http answer is not a JSON array of strings"));
    }
  }

  @Test
  void aSlowApplicationIsATimeoutAtTheDeadline() throws Exception {
    LookupBackend b = backend();
    long start = System.nanoTime();
    LookupResult result = ask(b, "sm", "slow");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(result.status()).isEqualTo(SocketmapStatus.TIMEOUT);
    assertThat(millis).isBetween(1900L, 5000L);
  }

  @Test
  void anOversizedBodyIsCutOffAtTheLimit() throws Exception {
    LookupBackend b = backend();
    assertThat(ask(b, "sm", "huge"))
        .isEqualTo(LookupResult.temp("http answer larger than max_response_size (100000 bytes)"));
    // The node is not to blame: the next lookup goes to it as before.
    app.values.put("after", "[\"fine\"]");
    assertThat(ask(b, "sm", "after")).isEqualTo(LookupResult.found("fine"));
  }

  @Test
  void aRefusedConnectionFailsOverToTheNextUrl() throws Exception {
    int closed = closedPort();
    app.values.put("k", "[\"v\"]");
    LookupBackend b =
        backend("\"http://127.0.0.1:" + closed + "\", \"http://127.0.0.1:" + app.port() + "\"", "");
    HttpCluster cluster = ((HttpMap) b.maps().get("sm")).cluster();
    for (int i = 0; i < 6; i++) {
      assertThat(ask(b, "sm", "k")).isEqualTo(LookupResult.found("v"));
    }
    assertThat(cluster.nodesUp()).isEqualTo(1);
  }

  @Test
  void unavailableTakesTheNodeDownAndNoNodeIsTemporary() throws Exception {
    LookupBackend b = backend();
    HttpCluster cluster = ((HttpMap) b.maps().get("sm")).cluster();
    assertThat(ask(b, "sm", "unavailable"))
        .isEqualTo(LookupResult.temp("no http node available (http status 503)"));
    assertThat(cluster.nodesUp()).isZero();
    // The probe (a GET of the base URL) answers 200 []: the node comes back within seconds.
    await().atMost(Duration.ofSeconds(5)).until(() -> cluster.nodesUp() == 1);
    // The probe: the base URL, no parameters, with the token as every request has it.
    assertThat(app.seen)
        .anySatisfy(
            probe -> {
              assertThat(probe.query()).isEmpty();
              assertThat(probe.token()).isEqualTo("t0ken");
              assertThat(probe.userAgent()).isEqualTo("sockmapd-test");
            });
  }

  @Test
  void httpsIsVerifiedAgainstTheCaAndTheHostName() throws Exception {
    Path[] pki = TestPki.create(temp);
    lookupTimeout = "20s";
    connectTimeout = "10s";
    try (RestApplication tls = RestApplication.startTls(vertx, pki[1], pki[2])) {
      tls.values.put("k", "[\"secure\"]");
      String ca = ", \"tls_ca_file\": \"" + pki[0] + "\"";
      LookupBackend good = backend("\"https://localhost:" + tls.port() + "\"", ca);
      assertThat(ask(good, "sm", "k")).isEqualTo(LookupResult.found("secure"));
      good.close(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);

      // The certificate names localhost, not 127.0.0.1: refused, as TEMP, never an answer.
      LookupBackend wrongName = backend("\"https://127.0.0.1:" + tls.port() + "\"", ca);
      LookupResult result = ask(wrongName, "sm", "k");
      assertThat(result.status()).isEqualTo(SocketmapStatus.TEMP);
      assertThat(result.text()).contains("TLS failed");
      wrongName.close(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);

      // Without the test CA, the JVM's CAs do not know it.
      LookupBackend unknownCa = backend("\"https://localhost:" + tls.port() + "\"", "");
      assertThat(ask(unknownCa, "sm", "k").status()).isEqualTo(SocketmapStatus.TEMP);
      assertThat(tls.seen).hasSize(1);
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A CA and a server certificate for localhost signed by it, made with openssl. */
  static final class TestPki {
    private TestPki() {}

    /** ca.pem, server.pem, server.key in {@code dir}. */
    static Path[] create(Path dir) throws Exception {
      Assumptions.assumeTrue(
          Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make a test CA");
      run(
          dir,
          "openssl",
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "2",
          "-subj",
          "/CN=sockmapd http test CA",
          "-keyout",
          "ca.key",
          "-out",
          "ca.pem");
      run(
          dir,
          "openssl",
          "req",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-subj",
          "/CN=localhost",
          "-keyout",
          "server.key",
          "-out",
          "server.csr");
      Files.writeString(dir.resolve("server.ext"), "subjectAltName = DNS:localhost\n");
      run(
          dir,
          "openssl",
          "x509",
          "-req",
          "-in",
          "server.csr",
          "-CA",
          "ca.pem",
          "-CAkey",
          "ca.key",
          "-CAcreateserial",
          "-days",
          "2",
          "-extfile",
          "server.ext",
          "-out",
          "server.pem");
      return new Path[] {
        dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key")
      };
    }

    private static void run(Path dir, String... command) throws Exception {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output =
          new String(
              process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    }
  }
}
