package io.sockmapd.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.ClientAllowList;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import io.sockmapd.config.ListenerConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.NoCaches;
import io.sockmapd.net.RefusedConnections.Reason;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Who may connect, over real sockets on both transports: {@code allow} lists (127.0.0.1 and
 * 127.0.0.2, or ::1, are different clients of one machine) and {@code max_connections_per_client}.
 */
class ClientAccessTest {
  private static final Map<String, String> USERS = Map.of("alice", "A");
  private static final SocketmapResponse ANSWER = SocketmapResponse.ok("A");

  @TempDir Path dir;

  private static ServerFixture start(
      Transport transport, Limits limits, ListenerConfig... listeners) throws Exception {
    assumeTrue(transport != Transport.EPOLL || Epoll.isAvailable(), "epoll not available");
    SockmapdConfig config =
        new SockmapdConfig(
            List.of(listeners), 0660, "", limits, Duration.ofSeconds(5), Map.of(), Map.of(), null);
    return ServerFixture.start(
        config, Map.of("users", TestMaps.fixed(USERS)), NoCaches.INSTANCE, transport);
  }

  private static ListenerConfig inet(String host, String... allow) {
    return new ListenerConfig(
        new Endpoint.Inet(host, 0),
        allow.length == 0 ? null : ClientAllowList.parse(List.of(allow)));
  }

  private static BlockingSocketmapClient connect(ServerFixture fixture, String from, String to)
      throws Exception {
    return BlockingSocketmapClient.connect(
        new InetSocketAddress(InetAddress.getByName(to), fixture.server.port()),
        InetAddress.getByName(from),
        ServerFixture.CLIENT_TIMEOUT);
  }

  private static BlockingSocketmapClient connect(ServerFixture fixture, String from)
      throws Exception {
    return connect(fixture, from, "127.0.0.1");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aListenerServesItsAllowedClientsAndClosesOthersAtOnce(Transport transport) throws Exception {
    ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    try (var fixture = start(transport, Limits.defaults(), inet("127.0.0.1", "127.0.0.1/32"));
        var log = LogLines.attach(RefusedConnections.class)) {
      fixture.server.recordRefusalsTo((listener, reason) -> events.add(listener + " " + reason));
      try (var allowed = connect(fixture, "127.0.0.1")) {
        assertThat(allowed.query("users", "alice")).isEqualTo(ANSWER);
      }
      for (int i = 0; i < 3; i++) {
        try (var denied = connect(fixture, "127.0.0.2")) {
          assertThat(denied.awaitClosedByServer()).isTrue();
        }
      }
      assertThat(fixture.server.refusedConnections(Reason.NOT_ALLOWED)).isEqualTo(3);
      assertThat(events).hasSize(3).allMatch(e -> e.endsWith(" NOT_ALLOWED"));
      // Logged once for the three: the others are counted into the next line.
      assertThat(log.lines())
          .containsExactly(
              "WARN refused connection from 127.0.0.2 to inet:127.0.0.1:0: not in its allow list");
      try (var allowed = connect(fixture, "127.0.0.1")) {
        assertThat(allowed.query("users", "alice")).isEqualTo(ANSWER);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void ipv4ClientsOfADualStackListenerMatchIpv4Networks(Transport transport) throws Exception {
    // Bound to every address, the listener is one IPv6 socket that IPv4 clients reach as
    // ::ffff:127.0.0.1; the allow list is IPv4 only.
    try (var fixture = start(transport, Limits.defaults(), inet("", "127.0.0.0/8"))) {
      try (var v4 = connect(fixture, "127.0.0.1")) {
        assertThat(v4.query("users", "alice")).isEqualTo(ANSWER);
      }
      try (var v6 = connect(fixture, "::1", "::1")) {
        assertThat(v6.awaitClosedByServer()).isTrue();
      }
      assertThat(fixture.server.refusedConnections(Reason.NOT_ALLOWED)).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void oneClientGetsAtMostItsConnectionsAndOthersAreUnaffected(Transport transport)
      throws Exception {
    List<BlockingSocketmapClient> first = new ArrayList<>();
    try (var fixture =
            start(
                transport,
                Limits.defaults().withMaxConnectionsPerClient(2),
                inet("127.0.0.1", "127.0.0.0/8"));
        var log = LogLines.attach(RefusedConnections.class)) {
      try {
        for (int i = 0; i < 2; i++) {
          first.add(connect(fixture, "127.0.0.1"));
          assertThat(first.get(i).query("users", "alice")).isEqualTo(ANSWER);
        }
        try (var third = connect(fixture, "127.0.0.1")) {
          assertThat(third.awaitClosedByServer()).isTrue();
        }
        assertThat(fixture.server.refusedConnections(Reason.CLIENT_CONNECTION_LIMIT)).isEqualTo(1);
        assertThat(log.lines())
            .containsExactly(
                "WARN max_connections_per_client (2) reached: closed new connection from 127.0.0.1"
                    + " to inet:127.0.0.1:0");
        // Another client still gets its own two.
        try (var other = connect(fixture, "127.0.0.2");
            var another = connect(fixture, "127.0.0.2")) {
          assertThat(other.query("users", "alice")).isEqualTo(ANSWER);
          assertThat(another.query("users", "alice")).isEqualTo(ANSWER);
        }
        for (BlockingSocketmapClient client : first) {
          assertThat(client.query("users", "alice")).isEqualTo(ANSWER);
        }
        // A closed connection gives its slot back.
        first.remove(0).close();
        await().until(() -> fixture.server.openConnections() == 1);
        try (var again = connect(fixture, "127.0.0.1")) {
          assertThat(again.query("users", "alice")).isEqualTo(ANSWER);
        }
        assertThat(fixture.server.refusedConnections(Reason.CLIENT_CONNECTION_LIMIT)).isEqualTo(1);
      } finally {
        for (BlockingSocketmapClient client : first) {
          client.close();
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void unixSocketPeersAreNotLimitedPerClient(Transport transport) throws Exception {
    Endpoint.Unix socket = new Endpoint.Unix(dir.resolve("s.sock"));
    try (var fixture =
            start(
                transport,
                Limits.defaults().withMaxConnectionsPerClient(1),
                ListenerConfig.open(socket));
        var a = BlockingSocketmapClient.connect(socket, ServerFixture.CLIENT_TIMEOUT);
        var b = BlockingSocketmapClient.connect(socket, ServerFixture.CLIENT_TIMEOUT)) {
      assertThat(a.query("users", "alice")).isEqualTo(ANSWER);
      assertThat(b.query("users", "alice")).isEqualTo(ANSWER);
      assertThat(fixture.server.refusedConnections(Reason.CLIENT_CONNECTION_LIMIT)).isZero();
    }
  }
}
