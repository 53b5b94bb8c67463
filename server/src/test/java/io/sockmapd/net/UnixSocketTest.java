package io.sockmapd.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import io.sockmapd.config.ListenerConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.NoCaches;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Unix-socket listeners, on epoll and on the JDK's NIO. */
class UnixSocketTest {
  @TempDir Path dir;

  private static ServerFixture start(Path socket, Transport transport) throws Exception {
    assumeTrue(transport != Transport.EPOLL || Epoll.isAvailable(), "epoll not available");
    SockmapdConfig base =
        ServerFixture.config(List.of(new Endpoint.Unix(socket)), Limits.defaults(), null);
    SockmapdConfig config =
        new SockmapdConfig(
            base.listen(), 0600, base.limits(), base.shutdownTimeout(), Map.of(), Map.of(), null);
    return ServerFixture.start(
        config, Map.of("users", TestMaps.fixed(Map.of("a", "b"))), NoCaches.INSTANCE, transport);
  }

  private static SocketmapResponse query(Path socket) throws Exception {
    try (var client =
        BlockingSocketmapClient.connect(new Endpoint.Unix(socket), ServerFixture.CLIENT_TIMEOUT)) {
      return client.query("users", "a");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void servesWithTheConfiguredModeAndRemovesTheFileAtShutdown(Transport transport)
      throws Exception {
    Path socket = dir.resolve("sockmapd.sock");
    try (var fixture = start(socket, transport)) {
      assertThat(fixture.server.listeners())
          .singleElement()
          .extracting(l -> l.endpoint())
          .isEqualTo(new Endpoint.Unix(socket));
      assertThat(query(socket)).isEqualTo(SocketmapResponse.ok("b"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
          .isEqualTo("rw-------");
    }
    assertThat(socket).doesNotExist();
  }

  /** Postfix's private/ sockets: another user's MTA connects as a member of the socket's group. */
  @ParameterizedTest
  @EnumSource(Transport.class)
  void givesTheSocketToTheConfiguredGroupWithTheConfiguredMode(Transport transport)
      throws Exception {
    assumeTrue(transport != Transport.EPOLL || Epoll.isAvailable(), "epoll not available");
    // A group every Debian system has, and not the group of the user running the tests.
    String group = "mail";
    Path socket = dir.resolve("sockmapd.sock");
    SockmapdConfig config =
        new SockmapdConfig(
            List.of(ListenerConfig.open(new Endpoint.Unix(socket))),
            0660,
            group,
            Limits.defaults(),
            Duration.ofSeconds(5),
            Map.of(),
            Map.of(),
            null);
    try (var fixture =
        ServerFixture.start(
            config,
            Map.of("users", TestMaps.fixed(Map.of("a", "b"))),
            NoCaches.INSTANCE,
            transport)) {
      PosixFileAttributes attributes =
          Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      assertThat(attributes.group().getName()).isEqualTo(group);
      assertThat(PosixFilePermissions.toString(attributes.permissions())).isEqualTo("rw-rw----");
      assertThat(query(socket)).isEqualTo(SocketmapResponse.ok("b"));
      assertThat(fixture.server.acceptedConnections()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void replacesAStaleSocketFile(Transport transport) throws Exception {
    Path socket = dir.resolve("stale.sock");
    try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      old.bind(UnixDomainSocketAddress.of(socket));
    }
    assertThat(socket).exists(); // closing a unix server socket leaves its file behind
    try (var fixture = start(socket, transport)) {
      assertThat(query(socket)).isEqualTo(SocketmapResponse.ok("b"));
      assertThat(fixture.server.acceptedConnections()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void refusesToDeleteARegularFile(Transport transport) throws Exception {
    Path file = dir.resolve("precious.txt");
    Files.writeString(file, "data");
    assertThatThrownBy(() -> start(file, transport).close())
        .isInstanceOf(ServerStartException.class)
        .hasMessageContaining("unix:" + file)
        .hasMessageContaining("not a socket (a regular file)");
    assertThat(file).hasContent("data");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void refusesASocketAnotherServerListensOn(Transport transport) throws Exception {
    Path socket = dir.resolve("busy.sock");
    try (var first = start(socket, transport)) {
      assertThatThrownBy(() -> start(socket, transport).close())
          .isInstanceOf(ServerStartException.class)
          .hasMessageContaining("another process is listening");
      assertThat(query(socket)).isEqualTo(SocketmapResponse.ok("b"));
      // The refused start probed the socket with a connection of its own (counted on accept).
      await().until(() -> first.server.acceptedConnections() >= 2);
    }
  }
}
