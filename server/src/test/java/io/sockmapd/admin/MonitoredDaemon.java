package io.sockmapd.admin;

import io.sockmapd.Daemon;
import io.sockmapd.cli.Backends;
import io.sockmapd.config.ConfigLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A whole daemon with an admin listener, on a real SQLite file and the real backend (cache
 * included), plus a real HTTP client for its admin port. Closed with the test.
 */
final class MonitoredDaemon implements AutoCloseable {
  private static final String SEED =
      "CREATE TABLE users (k TEXT PRIMARY KEY, v TEXT NOT NULL);\n"
          + "INSERT INTO users (k, v) VALUES ('alice', 'alice@example.net'),"
          + " ('big', 'x');\n";

  /** A PostgreSQL database on loopback port 1, where nothing listens: every connect is refused. */
  static final String DEAD_DATABASE =
      """
      , "remote": {
        "type": "postgresql", "hosts": ["127.0.0.1:1"], "database": "x", "user": "x",
        "password": "x", "connect_timeout": "1s", "lookup_timeout": "2s", "retry_interval": "1m"
      }""";

  /** Map {@code remote}, on {@link #DEAD_DATABASE}. */
  static final String DEAD_MAP =
      """
      , "remote": { "database": "remote", "query": "SELECT v FROM t WHERE k = '%s'" }""";

  final Daemon daemon;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private MonitoredDaemon(Daemon daemon) {
    this.daemon = daemon;
  }

  /**
   * Starts a daemon serving map {@code users} (SQLite, cached) and whatever {@code moreDatabases}
   * and {@code moreMaps} add (JSON members, each list starting with a comma, or empty).
   */
  static MonitoredDaemon start(Path dir, String adminKeys, String moreDatabases, String moreMaps)
      throws Exception {
    Files.writeString(dir.resolve("seed.sql"), SEED);
    Path config = writeConfig(dir, adminKeys, moreDatabases, moreMaps);
    ConfigLoader loader = new ConfigLoader();
    // Reloads read the file again, so a test can rewrite it with writeConfig and reload.
    return new MonitoredDaemon(
        Daemon.start(loader.load(config), Backends.DEFAULT, () -> loader.load(config)));
  }

  /** Writes the config {@link #start} describes; returns its path. */
  static Path writeConfig(Path dir, String adminKeys, String moreDatabases, String moreMaps)
      throws IOException {
    String json =
        """
        {
          "listen": ["inet:127.0.0.1:0"],
          %s,
          "databases": {
            "local": { "type": "sqlite", "path": "users.db", "init_sql": "seed.sql" }%s
          },
          "maps": {
            "users": {
              "database": "local",
              "query": "SELECT v FROM users WHERE k = '%%s'",
              "cache": { "ttl": "5m", "negative_ttl": "1m" }
            }%s
          }
        }
        """
            .formatted(adminKeys, moreDatabases, moreMaps);
    Path config = dir.resolve("sockmapd.json");
    Files.writeString(config, json);
    return config;
  }

  /** Reloads the config file as {@code sockmapd reload} does; returns the daemon's summary. */
  String reload() throws Exception {
    return daemon.reloader().reload().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  InetSocketAddress socketmapAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.server().port());
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + daemon.adminPort() + path);
  }

  Exposition scrape() throws Exception {
    HttpResponse<String> response = get("/metrics");
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    return Exposition.parse(response.body());
  }

  @Override
  public void close() {
    daemon.close();
  }
}
