package io.sockmapd.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control socket flushes caches; the normal listeners know nothing of it. */
class ControlSocketTest {
  private static final TestMaps.RecordingCacheControl CACHES = new TestMaps.RecordingCacheControl();
  private static ServerFixture fixture;
  private static SocketAddress controlAddress;

  @BeforeAll
  static void start() throws Exception {
    var config =
        ServerFixture.config(
            List.of(new Endpoint.Inet("127.0.0.1", 0)),
            Limits.defaults(),
            new Endpoint.Inet("127.0.0.1", 0));
    fixture =
        ServerFixture.start(
            config, Map.of("users", TestMaps.fixed(Map.of())), CACHES, Transport.best());
    controlAddress =
        fixture.server.listeners().stream()
            .filter(SocketmapServer.Listener::control)
            .findFirst()
            .orElseThrow()
            .localAddress();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @BeforeEach
  void clear() {
    CACHES.flushed.clear();
  }

  private static SocketmapResponse control(String command) throws Exception {
    try (var client =
        BlockingSocketmapClient.connect(controlAddress, ServerFixture.CLIENT_TIMEOUT)) {
      return client.query("control", command);
    }
  }

  @Test
  void flushCommandsReachTheCacheControl() throws Exception {
    assertThat(control("ping")).isEqualTo(SocketmapResponse.ok("pong"));
    assertThat(control("flush users")).isEqualTo(SocketmapResponse.ok("flushed users"));
    assertThat(control("flush other")).isEqualTo(SocketmapResponse.notFound());
    assertThat(control("flush *")).isEqualTo(SocketmapResponse.ok("flushed all"));
    assertThat(control("reboot")).isEqualTo(SocketmapResponse.perm("unknown command"));
    // This server's cache control cannot reload (the daemon's can: ConfigReloaderTest).
    assertThat(control("reload")).isEqualTo(SocketmapResponse.perm("reload not available"));
    assertThat(CACHES.flushed).containsExactly("users", "*");
  }

  @Test
  void controlListenerServesNoOrdinaryMap() throws Exception {
    try (var client =
        BlockingSocketmapClient.connect(controlAddress, ServerFixture.CLIENT_TIMEOUT)) {
      assertThat(client.query("users", "x")).isEqualTo(SocketmapResponse.perm("unknown map users"));
    }
  }

  @Test
  void normalListenerRejectsControlCommands() throws Exception {
    try (var client = fixture.connect()) {
      assertThat(client.query("control", "flush *"))
          .isEqualTo(SocketmapResponse.perm("unknown map control"));
    }
    assertThat(CACHES.flushed).isEmpty();
  }
}
