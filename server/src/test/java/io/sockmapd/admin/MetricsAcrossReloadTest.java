package io.sockmapd.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.net.BlockingSocketmapClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a reload, {@code /metrics} and {@code /health/ready} describe the configuration being
 * served, not the one the daemon started with: a new map counts under its own name, a removed
 * database no longer holds readiness down, and a map's cache meters read the cache that answers.
 */
class MetricsAcrossReloadTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String ADMIN = "\"admin_listen\": \"inet:127.0.0.1:0\"";
  private static final String NEW_MAP =
      """
      , "domains": {
        "database": "local", "query": "SELECT v FROM users WHERE k = '%s'",
        "cache": { "ttl": "5m" }
      }""";

  @TempDir Path dir;

  @Test
  void theExpositionFollowsTheConfigurationAReloadSwapsIn() throws Exception {
    try (MonitoredDaemon d =
        MonitoredDaemon.start(
            dir, ADMIN, MonitoredDaemon.DEAD_DATABASE, MonitoredDaemon.DEAD_MAP)) {
      try (var client = BlockingSocketmapClient.connect(d.socketmapAddress(), TIMEOUT)) {
        assertThat(client.query("users", "alice").status()).isEqualTo(SocketmapStatus.OK);
        assertThat(client.query("remote", "k").status())
            .isIn(SocketmapStatus.TEMP, SocketmapStatus.TIMEOUT);
      }
      await().atMost(TIMEOUT).until(() -> d.get("/health/ready").statusCode() == 503);
      Exposition before = d.scrape();
      assertThat(before.value("cache_gets_total", "cache", "users", "result", "miss")).isEqualTo(1);

      // The dead database and its map go; map "domains" comes; "users" stays as it was.
      MonitoredDaemon.writeConfig(dir, ADMIN, "", NEW_MAP);
      assertThat(d.reload()).contains("caches kept: 1");

      assertThat(d.get("/health/ready").statusCode()).isEqualTo(200);
      try (var client = BlockingSocketmapClient.connect(d.socketmapAddress(), TIMEOUT)) {
        for (int i = 0; i < 3; i++) {
          assertThat(client.query("users", "alice").status()).isEqualTo(SocketmapStatus.OK);
        }
        assertThat(client.query("domains", "alice").status()).isEqualTo(SocketmapStatus.OK);
        assertThat(client.query("domains", "nobody").status()).isEqualTo(SocketmapStatus.NOTFOUND);
      }
      Exposition after = d.scrape();
      assertThat(after.value("sockmapd_lookups_total", "map", "domains", "status", "OK"))
          .isEqualTo(1);
      assertThat(after.value("sockmapd_lookups_total", "map", "domains", "status", "NOTFOUND"))
          .isEqualTo(1);
      assertThat(after.value("sockmapd_lookups_total", "map", "(unknown)", "status", "OK"))
          .isZero();
      // The users cache kept its entries in a new cache object: its three hits are counted there.
      assertThat(after.value("cache_gets_total", "cache", "users", "result", "hit")).isEqualTo(3);
      assertThat(after.value("cache_gets_total", "cache", "domains", "result", "miss"))
          .isEqualTo(2);
      assertThat(after.has("sockmapd_database_node_up", "database", "remote")).isFalse();
      assertThat(after.has("sockmapd_database_failovers_total", "database", "remote")).isFalse();
      assertThat(after.has("sockmapd_lookups_total", "map", "remote")).isFalse();
      // Counts of a map that stays go on across the reload.
      assertThat(after.value("sockmapd_lookups_total", "map", "users", "status", "OK"))
          .isEqualTo(4);
    }
  }
}
