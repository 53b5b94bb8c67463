package io.sockmapd.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.ClientAllowList;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import io.sockmapd.config.ListenerConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.net.ServerFixture;
import io.sockmapd.testing.Postmap;
import io.sockmapd.testing.Postmap.Run;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding API on real sockets, asked by Postfix's own client where it can be. */
class MapServerTest {
  @TempDir static Path conf;
  private static Postmap postmap;
  private static final ExecutorService SLOW = Executors.newSingleThreadExecutor();

  private static final MapLookup UPPER =
      key ->
          CompletableFuture.completedFuture(
              key.startsWith("no-")
                  ? LookupResult.notFound()
                  : LookupResult.found(key.toUpperCase(Locale.ROOT)));

  @BeforeAll
  static void requirePostmap() {
    postmap = Postmap.require(conf, Postmap.MAIN_CF);
  }

  @AfterAll
  static void stopSlowWork() {
    SLOW.shutdownNow();
  }

  @Test
  void servesItsMapsToPostmap() throws Exception {
    try (MapServer server =
        MapServer.builder()
            .listen("inet:127.0.0.1:0")
            .map("upper", UPPER)
            .map(
                "later",
                key -> CompletableFuture.supplyAsync(() -> LookupResult.found("v-" + key), SLOW))
            .start()) {
      String at = "socketmap:inet:127.0.0.1:" + server.port() + ":";
      assertThat(postmap.query("hello", at + "upper")).isEqualTo(new Run(0, "HELLO\n", ""));
      assertThat(postmap.query("no-such", at + "upper")).isEqualTo(new Run(1, "", ""));
      // A stage completed on another thread than the server's.
      assertThat(postmap.query("k", at + "later")).isEqualTo(new Run(0, "v-k\n", ""));
    }
  }

  @Test
  void servesOnAUnixSocket(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("maps.sock");
    try (MapServer server =
        MapServer.builder().listen("unix:" + socket).map("upper", UPPER).start()) {
      assertThat(server.listeners()).hasSize(1);
      assertThat(postmap.query("hello", "socketmap:unix:" + socket + ":upper"))
          .isEqualTo(new Run(0, "HELLO\n", ""));
    }
  }

  @Test
  void unknownMapsAndFailingMapsGetTheDaemonsAnswers() throws Exception {
    try (MapServer server =
            MapServer.builder()
                .listen("inet:127.0.0.1:0")
                .map(
                    "broken",
                    key -> {
                      throw new IllegalStateException("bug");
                    })
                .start();
        BlockingSocketmapClient client = connect(server)) {
      assertThat(client.query("nosuch", "k").status()).isEqualTo(SocketmapStatus.PERM);
      assertThat(client.query("broken", "k").status()).isEqualTo(SocketmapStatus.TEMP);
      // The connection survived both.
      assertThat(client.query("broken", "").status()).isEqualTo(SocketmapStatus.NOTFOUND);
    }
  }

  @Test
  void theLimitsGivenAreTheServers() throws Exception {
    try (MapServer server =
            MapServer.builder()
                .listen("inet:127.0.0.1:0")
                .limits(ServerFixture.limits(1, 32, Duration.ofMinutes(1)))
                .map("upper", UPPER)
                .start();
        BlockingSocketmapClient first = connect(server)) {
      assertThat(first.query("upper", "a").text()).isEqualTo("A");
      try (BlockingSocketmapClient second = connect(server)) {
        assertThat(second.awaitClosedByServer()).as("closed for max_connections 1").isTrue();
      }
    }
  }

  /** Regression: {@code config} used to keep a listener's address and drop its allow list. */
  @Test
  void aConfigsListenersKeepTheirAllowLists() throws Exception {
    SockmapdConfig config =
        new SockmapdConfig(
            List.of(
                new ListenerConfig(
                    new Endpoint.Inet("127.0.0.1", 0),
                    ClientAllowList.parse(List.of("127.0.0.1/32")))),
            0660,
            "",
            Limits.defaults(),
            Duration.ofSeconds(5),
            Map.of(),
            Map.of(),
            null,
            null,
            Map.of());
    try (MapServer server = MapServer.builder().config(config).map("upper", UPPER).start()) {
      InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
      try (BlockingSocketmapClient allowed =
          BlockingSocketmapClient.connect(at, loopback(1), ServerFixture.CLIENT_TIMEOUT)) {
        assertThat(allowed.query("upper", "a").text()).isEqualTo("A");
      }
      try (BlockingSocketmapClient other =
          BlockingSocketmapClient.connect(at, loopback(2), ServerFixture.CLIENT_TIMEOUT)) {
        assertThat(other.awaitClosedByServer()).as("127.0.0.2 is not in the allow list").isTrue();
      }
    }
  }

  /** 127.0.0.{@code last}: another local client address. */
  private static InetAddress loopback(int last) throws IOException {
    return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
  }

  @Test
  void closeStopsListening() throws Exception {
    MapServer server = MapServer.builder().listen("inet:127.0.0.1:0").map("upper", UPPER).start();
    int port = server.port();
    server.close();
    assertThatThrownBy(
            () ->
                BlockingSocketmapClient.connect(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void refusesWhatCouldNeverServe() {
    assertThatThrownBy(() -> MapServer.builder().map("a b", UPPER))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MapServer.builder().map("", UPPER))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MapServer.builder().map("m", UPPER).map("m", UPPER))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MapServer.builder().listen("tcp:8732"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MapServer.builder().map("m", UPPER).start())
        .isInstanceOf(IllegalStateException.class);
  }

  private static BlockingSocketmapClient connect(MapServer server) throws IOException {
    return BlockingSocketmapClient.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
        ServerFixture.CLIENT_TIMEOUT);
  }
}
