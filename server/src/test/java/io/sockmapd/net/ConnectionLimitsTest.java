package io.sockmapd.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.codec.SocketmapResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Many connections, the connection limit, and the idle timeout. */
class ConnectionLimitsTest {
  private static final Map<String, String> USERS = Map.of("alice", "A");

  private static void closeAll(List<BlockingSocketmapClient> clients) throws IOException {
    for (BlockingSocketmapClient client : clients) {
      client.close();
    }
  }

  @Test
  void thousandConcurrentIdleConnectionsAreEachServed() throws Exception {
    List<BlockingSocketmapClient> clients = new ArrayList<>();
    try (var fixture = ServerFixture.start(Map.of("users", TestMaps.fixed(USERS)))) {
      try {
        for (int i = 0; i < 1000; i++) {
          clients.add(fixture.connect());
        }
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> fixture.server.openConnections() == 1000);
        for (BlockingSocketmapClient client : clients) {
          assertThat(client.query("users", "alice")).isEqualTo(SocketmapResponse.ok("A"));
        }
      } finally {
        closeAll(clients);
      }
    }
  }

  @Test
  void connectionsOverTheLimitAreClosedAndEarlierOnesKeepWorking() throws Exception {
    List<BlockingSocketmapClient> clients = new ArrayList<>();
    try (var fixture =
        ServerFixture.start(
            Map.of("users", TestMaps.fixed(USERS)),
            ServerFixture.limits(3, 32, Duration.ofMinutes(1)))) {
      try {
        for (int i = 0; i < 3; i++) {
          clients.add(fixture.connect());
        }
        await().until(() -> fixture.server.openConnections() == 3);
        try (var extra = fixture.connect()) {
          assertThat(extra.awaitClosedByServer()).isTrue();
        }
        for (BlockingSocketmapClient client : clients) {
          assertThat(client.query("users", "alice")).isEqualTo(SocketmapResponse.ok("A"));
        }
        assertThat(fixture.server.acceptedConnections()).isEqualTo(4);
      } finally {
        closeAll(clients);
      }
    }
  }

  @Test
  void idleConnectionIsClosedButNotOneWithALookupInFlight() throws Exception {
    TestMaps.Delayed slow = new TestMaps.Delayed(key -> 3000);
    try (var fixture =
            ServerFixture.start(
                Map.of("users", TestMaps.fixed(USERS), "slow", slow),
                ServerFixture.limits(100, 32, Duration.ofSeconds(1)));
        var idle = fixture.connect();
        var busy = fixture.connect()) {
      assertThat(idle.query("users", "alice")).isEqualTo(SocketmapResponse.ok("A"));
      busy.writeRequest("slow", "1");
      // The idle one goes after about a second; the busy one outlives three idle periods.
      assertThat(idle.awaitClosedByServer()).isTrue();
      assertThat(new String(busy.readPayload(), UTF_8)).isEqualTo("OK v1");
      assertThat(busy.query("users", "alice")).isEqualTo(SocketmapResponse.ok("A"));
    }
  }
}
