package io.sockmapd.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.NoCaches;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Clients that misbehave on real sockets (half-close, never read, stall inside a frame, pipeline on
 * many connections) while a bystander checks that it is still served.
 */
class MisbehavingClientsTest {
  @TempDir Path dir;

  private static byte[] requests(String map, int count) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      all.writeBytes(BlockingSocketmapClient.netstring((map + " " + i).getBytes(UTF_8)));
    }
    return all.toByteArray();
  }

  private static SocketChannel rawConnect(ServerFixture fixture) throws IOException {
    return SocketChannel.open(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), fixture.server.port()));
  }

  // ---- half-close ----

  private enum Listener {
    INET,
    UNIX
  }

  @ParameterizedTest(name = "{0} {1}")
  @EnumSource(Transport.class)
  void halfClosedClientGetsAllItsAnswersOverInet(Transport transport) throws Exception {
    halfClosedClientGetsAllItsAnswers(transport, Listener.INET);
  }

  @ParameterizedTest(name = "{0} {1}")
  @EnumSource(Transport.class)
  void halfClosedClientGetsAllItsAnswersOverUnix(Transport transport) throws Exception {
    halfClosedClientGetsAllItsAnswers(transport, Listener.UNIX);
  }

  private void halfClosedClientGetsAllItsAnswers(Transport transport, Listener kind)
      throws Exception {
    assumeTrue(transport != Transport.EPOLL || Epoll.isAvailable(), "epoll not available");
    // Netty 4.2's NIO byte channels half-close only when their config is a SocketChannelConfig,
    // which the NIO unix-socket channel's is not: there the end of input closes the connection.
    assumeTrue(
        transport != Transport.NIO || kind != Listener.UNIX, "NIO unix sockets can't half-close");
    Endpoint endpoint =
        kind == Listener.INET
            ? new Endpoint.Inet("127.0.0.1", 0)
            : new Endpoint.Unix(dir.resolve("s.sock"));
    // Answers that take a while, like a database's: they are not ready when the input ends.
    TestMaps.Delayed slow = new TestMaps.Delayed(key -> 200);
    try (var fixture =
        ServerFixture.start(
            ServerFixture.config(List.of(endpoint), Limits.defaults(), null),
            Map.of("slow", slow),
            NoCaches.INSTANCE,
            transport)) {
      Endpoint bound =
          kind == Listener.INET ? new Endpoint.Inet("127.0.0.1", fixture.server.port()) : endpoint;
      try (var client = BlockingSocketmapClient.connect(bound, ServerFixture.CLIENT_TIMEOUT)) {
        client.writeRaw(requests("slow", 3));
        client.shutdownOutput();
        for (int i = 0; i < 3; i++) {
          assertThat(client.readReply()).isEqualTo(SocketmapResponse.ok("v" + i));
        }
        assertThat(client.awaitClosedByServer()).isTrue();
      }
    }
  }

  @Test
  void halfCloseInsideAFrameIsAFramingErrorAfterTheCompleteRequestsAreAnswered() throws Exception {
    TestMaps.Delayed slow = new TestMaps.Delayed(key -> 200);
    try (var fixture = ServerFixture.start(Map.of("slow", slow));
        var client = fixture.connect()) {
      client.writeRaw(requests("slow", 1));
      client.writeRaw("10:slow".getBytes(UTF_8));
      client.shutdownOutput();
      assertThat(client.readReply()).isEqualTo(SocketmapResponse.ok("v0"));
      assertThat(client.awaitClosedByServer()).isTrue();
      assertThat(slow.calls.get()).isEqualTo(1);
    }
  }

  // ---- a client that never reads ----

  @Test
  void clientThatNeverReadsIsNoLongerReadFromAndABystanderIsServed() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    String value = "x".repeat(4000);
    MapLookup big =
        key -> {
          lookups.incrementAndGet();
          return CompletableFuture.completedFuture(LookupResult.found(value));
        };
    int sent = 20_000;
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (var fixture =
        ServerFixture.start(Map.of("big", big, "users", TestMaps.fixed(Map.of("alice", "A"))))) {
      SocketChannel greedy = rawConnect(fixture);
      greedy.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
      // Blocks if the server stops reading before the kernel has taken it all.
      var unused =
          writer.submit(
              () -> {
                greedy.write(ByteBuffer.wrap(requests("big", sent)));
                return null;
              });
      // Reading stops: the number of lookups stops growing well short of what was sent.
      AtomicInteger last = new AtomicInteger(-1);
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> last.getAndSet(lookups.get()) == lookups.get() && lookups.get() > 0);
      assertThat(lookups.get()).as("lookups done for a client that reads nothing").isLessThan(5000);
      try (var bystander = fixture.connect()) {
        assertThat(bystander.query("users", "alice")).isEqualTo(SocketmapResponse.ok("A"));
      }
      // What the greedy client's replies hold is bounded, and given back when it goes.
      assertThat(fixture.server.bufferedBytes()).isLessThan(1_000_000);
      greedy.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> fixture.server.bufferedBytes() == 0);
    } finally {
      writer.shutdownNow();
    }
  }

  // ---- half-sent requests against the buffer budget ----

  @Test
  void stalledPartialRequestsOverTheBudgetAreClosedAndABystanderIsServed() throws Exception {
    Limits limits = Limits.defaults().withMaxBufferedBytes(1_000_000);
    List<SocketChannel> stalled = new ArrayList<>();
    try (var fixture =
        ServerFixture.start(Map.of("users", TestMaps.fixed(Map.of("alice", "A"))), limits)) {
      try {
        byte[] partial = new byte[7 + 99_980];
        System.arraycopy("100000:".getBytes(UTF_8), 0, partial, 0, 7);
        for (int i = 0; i < 30; i++) {
          SocketChannel channel = rawConnect(fixture);
          stalled.add(channel);
          try {
            channel.write(ByteBuffer.wrap(partial));
          } catch (IOException closedByServer) {
            // expected for those over the budget
          }
        }
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> fixture.server.bufferBudgetEvictions() >= 20);
        assertThat(fixture.server.bufferedBytes()).isLessThanOrEqualTo(1_000_000);
        try (var bystander = fixture.connect()) {
          for (int i = 0; i < 20; i++) {
            assertThat(bystander.query("users", "alice")).isEqualTo(SocketmapResponse.ok("A"));
          }
        }
      } finally {
        for (SocketChannel channel : stalled) {
          channel.close();
        }
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> fixture.server.bufferedBytes() == 0);
    }
  }

  // ---- one client on many connections against a bystander ----

  /**
   * Like a database with {@code max_in_flight} 1000: slow lookups, and {@code TEMP too many lookups
   * in flight} beyond 1000 at once.
   */
  private static final class CappedSlowMap implements MapLookup {
    private final TestMaps.Delayed slow = new TestMaps.Delayed(key -> 150);
    private final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong refused = new AtomicLong();

    @Override
    public CompletionStage<LookupResult> lookup(String key) {
      if (inFlight.incrementAndGet() > 1000) {
        inFlight.decrementAndGet();
        refused.incrementAndGet();
        return CompletableFuture.completedFuture(LookupResult.temp("too many lookups in flight"));
      }
      return slow.lookup(key).whenComplete((r, e) -> inFlight.decrementAndGet());
    }
  }

  @Test
  void oneClientOnFortyPipeliningConnectionsCannotMakeABystanderGetTemp() throws Exception {
    CappedSlowMap map = new CappedSlowMap();
    int connections = 40;
    int perConnection = 300;
    ExecutorService readers = Executors.newFixedThreadPool(connections);
    // On every address, so that the bystander can come from another one.
    var config = ServerFixture.config(List.of(new Endpoint.Inet("", 0)), Limits.defaults(), null);
    try (var fixture =
        ServerFixture.start(config, Map.of("db", map), NoCaches.INSTANCE, Transport.best())) {
      List<BlockingSocketmapClient> aggressive = new ArrayList<>();
      List<Future<Integer>> temps = new ArrayList<>();
      try {
        for (int i = 0; i < connections; i++) {
          BlockingSocketmapClient client = fixture.connect();
          aggressive.add(client);
          client.writeRaw(requests("db", perConnection));
          temps.add(
              readers.submit(
                  () -> {
                    int temp = 0;
                    for (int r = 0; r < perConnection; r++) {
                      if (client.readReply().status() == SocketmapStatus.TEMP) {
                        temp++;
                      }
                    }
                    return temp;
                  }));
        }
        // The bystander is a second client: another loopback address.
        List<SocketmapResponse> bystanderReplies = new ArrayList<>();
        try (var bystander =
            BlockingSocketmapClient.connect(
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), fixture.server.port()),
                ServerFixture.CLIENT_TIMEOUT)) {
          for (int i = 0; i < 15; i++) {
            bystanderReplies.add(bystander.query("db", "b" + i));
          }
        }
        assertThat(bystanderReplies)
            .as("the bystander's replies")
            .extracting(SocketmapResponse::status)
            .containsOnly(SocketmapStatus.OK);
        int aggressiveTemps = 0;
        for (Future<Integer> temp : temps) {
          aggressiveTemps += temp.get();
        }
        assertThat(aggressiveTemps).as("TEMP for the aggressive client itself").isZero();
        assertThat(map.refused.get()).isZero();
      } finally {
        for (BlockingSocketmapClient client : aggressive) {
          client.close();
        }
      }
    } finally {
      readers.shutdownNow();
    }
  }
}
