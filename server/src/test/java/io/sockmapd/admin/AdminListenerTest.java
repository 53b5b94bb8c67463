package io.sockmapd.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.net.BlockingSocketmapClient;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener of a running daemon, asked over HTTP as Prometheus and a load balancer would,
 * while real lookups go through the socketmap listener.
 */
class AdminListenerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String ADMIN = "\"admin_listen\": \"inet:127.0.0.1:0\"";

  @TempDir Path dir;

  @Test
  void countersMoveWithRealLookups() throws Exception {
    try (MonitoredDaemon d = MonitoredDaemon.start(dir, ADMIN, "", "")) {
      Exposition before = d.scrape();
      assertThat(before.value("sockmapd_lookups_total", "map", "users", "status", "OK")).isZero();
      assertThat(before.type("sockmapd_lookups_total")).isEqualTo("counter");
      assertThat(before.type("sockmapd_lookup_duration_seconds")).isEqualTo("histogram");

      try (var client = BlockingSocketmapClient.connect(d.socketmapAddress(), TIMEOUT)) {
        for (int i = 0; i < 3; i++) {
          assertThat(client.query("users", "alice").status()).isEqualTo(SocketmapStatus.OK);
        }
        assertThat(client.query("users", "nobody").status()).isEqualTo(SocketmapStatus.NOTFOUND);
        assertThat(client.query("no-such-map", "x").status()).isEqualTo(SocketmapStatus.PERM);
        client.writeRaw("3:abc".getBytes(StandardCharsets.US_ASCII) /* no comma: framing */);
        client.writeRaw("X".getBytes(StandardCharsets.US_ASCII));
        assertThat(client.awaitClosedByServer()).isTrue();
      }

      Exposition after = d.scrape();
      assertThat(after.value("sockmapd_lookups_total", "map", "users", "status", "OK"))
          .isEqualTo(3);
      assertThat(after.value("sockmapd_lookups_total", "map", "users", "status", "NOTFOUND"))
          .isEqualTo(1);
      // A map name a client made up is not a label of its own.
      assertThat(after.value("sockmapd_lookups_total", "map", "(unknown)", "status", "PERM"))
          .isEqualTo(1);
      assertThat(after.has("sockmapd_lookups_total", "map", "no-such-map")).isFalse();
      assertThat(after.value("sockmapd_lookup_duration_seconds_count", "map", "users"))
          .isEqualTo(4);
      assertThat(
              after.value("sockmapd_lookup_duration_seconds_bucket", "map", "users", "le", "+Inf"))
          .isEqualTo(4);
      assertThat(after.value("sockmapd_lookups_in_flight")).isZero();
      // alice: a miss, then two hits; nobody: a miss.
      assertThat(after.value("cache_gets_total", "cache", "users", "result", "hit")).isEqualTo(2);
      assertThat(after.value("cache_gets_total", "cache", "users", "result", "miss")).isEqualTo(2);
      assertThat(after.value("cache_size", "cache", "users")).isEqualTo(2);
      assertThat(after.value("sockmapd_protocol_violations_total", "kind", "framing")).isEqualTo(1);
      assertThat(after.value("sockmapd_connections_accepted_total")).isEqualTo(1);
      await().atMost(TIMEOUT).until(() -> d.scrape().value("sockmapd_connections_open") == 0);
      assertThat(after.has("jvm_memory_used_bytes", "area", "heap")).isTrue();
      assertThat(after.has("process_uptime_seconds")).isTrue();
    }
  }

  @Test
  void metricsAreServedAsPrometheusText() throws Exception {
    try (MonitoredDaemon d = MonitoredDaemon.start(dir, ADMIN, "", "")) {
      HttpResponse<String> response = d.get("/metrics");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(response.body()).contains("# TYPE sockmapd_lookups_total counter");
      assertThat(d.get("/health/live").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = d.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("{\"status\":\"up\"}");
      assertThat(d.get("/nothing-here").statusCode()).isEqualTo(404);
      assertThat(
              d.send(
                      HttpRequest.newBuilder(d.uri("/metrics"))
                          .POST(HttpRequest.BodyPublishers.noBody()))
                  .statusCode())
          .isEqualTo(405);
    }
  }

  @Test
  void notReadyWhileADatabaseHasNoNodeUp() throws Exception {
    try (MonitoredDaemon d =
        MonitoredDaemon.start(
            dir, ADMIN, MonitoredDaemon.DEAD_DATABASE, MonitoredDaemon.DEAD_MAP)) {
      assertThat(d.get("/health/ready").statusCode()).isEqualTo(200);
      assertThat(d.scrape().value("sockmapd_database_node_up", "database", "remote")).isEqualTo(1);
      try (var client = BlockingSocketmapClient.connect(d.socketmapAddress(), TIMEOUT)) {
        assertThat(client.query("remote", "k").status())
            .isIn(SocketmapStatus.TEMP, SocketmapStatus.TIMEOUT);
      }
      await().atMost(TIMEOUT).until(() -> d.get("/health/ready").statusCode() == 503);
      HttpResponse<String> ready = d.get("/health/ready");
      assertThat(ready.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(ready.body())
          .isEqualTo("{\"status\":\"down\",\"down\":[\"database remote: no node up\"]}");
      // Alive all the same: a restart would not bring the database back.
      assertThat(d.get("/health/live").statusCode()).isEqualTo(200);
      Exposition scrape = d.scrape();
      assertThat(
              scrape.value(
                  "sockmapd_database_node_up", "database", "remote", "node", "127.0.0.1:1"))
          .isZero();
      assertThat(scrape.value("sockmapd_database_failovers_total", "database", "remote"))
          .isEqualTo(1);
      assertThat(scrape.value("sockmapd_lookups_total", "map", "remote", "status", "TEMP"))
          .isEqualTo(1);
    }
  }

  @Test
  void connectionsOverTheLimitAreCountedAsRejections() throws Exception {
    String limited = ADMIN + ", \"limits\": { \"max_connections\": 1 }";
    try (MonitoredDaemon d = MonitoredDaemon.start(dir, limited, "", "");
        var first = BlockingSocketmapClient.connect(d.socketmapAddress(), TIMEOUT)) {
      assertThat(first.query("users", "alice").status()).isEqualTo(SocketmapStatus.OK);
      try (var second = BlockingSocketmapClient.connect(d.socketmapAddress(), TIMEOUT)) {
        assertThat(second.awaitClosedByServer()).isTrue();
      }
      // The meters read from the listeners must outlive a collection (Micrometer holds their
      // objects weakly; a collected one reads NaN).
      System.gc();
      Exposition scrape = d.scrape();
      assertThat(scrape.value("sockmapd_rejections_total", "reason", "max_connections"))
          .isEqualTo(1);
      assertThat(scrape.value("sockmapd_connections_accepted_total")).isEqualTo(2);
      assertThat(scrape.value("sockmapd_connections_open")).isEqualTo(1);
    }
  }

  @Test
  void clientsOutsideAdminAllowGetNoAnswer() throws Exception {
    String adminFor10 = ADMIN + ", \"admin_allow\": [\"10.0.0.0/8\"]";
    try (MonitoredDaemon d = MonitoredDaemon.start(dir, adminFor10, "", "")) {
      // This client is on 127.0.0.1, outside 10.0.0.0/8: disconnected without a reply.
      assertThatThrownBy(() -> d.get("/metrics")).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> d.get("/health/live")).isInstanceOf(IOException.class);
    }
  }
}
