package io.sockmapd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.net.ServerFixture;
import io.sockmapd.net.TestMaps;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Start and graceful shutdown of the whole daemon. */
class DaemonTest {
  private final AtomicBoolean backendClosed = new AtomicBoolean();

  private LookupBackend backend(Map<String, MapLookup> maps) {
    return new LookupBackend() {
      @Override
      public Map<String, MapLookup> maps() {
        return maps;
      }

      @Override
      public CompletionStage<Void> close(Duration timeout) {
        backendClosed.set(true);
        return CompletableFuture.completedFuture(null);
      }
    };
  }

  @Test
  void shutdownAnswersInFlightLookupsThenClosesEverything() throws Exception {
    var config =
        ServerFixture.config(List.of(new Endpoint.Inet("127.0.0.1", 0)), Limits.defaults(), null);
    var slow = new TestMaps.Delayed(key -> 1000);
    Daemon daemon = Daemon.start(config, (vertx, c) -> backend(Map.of("slow", slow)));
    var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.server().port());
    try (var client = BlockingSocketmapClient.connect(address, ServerFixture.CLIENT_TIMEOUT)) {
      client.writeRequest("slow", "1");
      await().until(() -> slow.calls.get() == 1);
      Thread stopper = new Thread(daemon::close);
      stopper.start();
      // The lookup was in flight when shutdown began: it is still answered.
      assertThat(new String(client.readPayload(), UTF_8)).isEqualTo("OK v1");
      assertThat(client.awaitClosedByServer()).isTrue();
      stopper.join(30_000);
      assertThat(stopper.isAlive()).isFalse();
    }
    daemon.awaitStopped();
    assertThat(backendClosed).isTrue();
    assertThatThrownBy(() -> BlockingSocketmapClient.connect(address, Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class);
  }

  /**
   * A start that fails after the backend exists (here: its maps can't be listed) closes the backend
   * and Vert.x again: a caller that retries must not pile up pools and event loop threads.
   */
  @Test
  void failedStartAfterTheBackendIsBuiltClosesTheBackendAndVertx() {
    var config =
        ServerFixture.config(List.of(new Endpoint.Inet("127.0.0.1", 0)), Limits.defaults(), null);
    AtomicReference<Vertx> created = new AtomicReference<>();
    assertThatThrownBy(
            () ->
                Daemon.start(
                    config,
                    (vertx, c) -> {
                      created.set(vertx);
                      return new LookupBackend() {
                        @Override
                        public Map<String, MapLookup> maps() {
                          throw new IllegalStateException("maps not ready");
                        }

                        @Override
                        public CompletionStage<Void> close(Duration timeout) {
                          backendClosed.set(true);
                          return CompletableFuture.completedFuture(null);
                        }
                      };
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maps not ready");
    assertThat(backendClosed).isTrue();
    assertThat(((VertxInternal) created.get()).nettyEventLoopGroup().isShuttingDown())
        .as("Vert.x closed")
        .isTrue();
  }

  /**
   * Where one lookup started, whether it started inside a Vert.x context, and where its Vert.x
   * timer (standing in for pool I/O) fired.
   */
  private record Threads(String started, boolean inContext, String completed) {}

  /**
   * The listeners run on Vert.x's own event loops, and a lookup's asynchronous Vert.x work
   * completes on the loop of the connection that asked: the reply needs no hop to another thread.
   */
  @Test
  void lookupsStartAndCompleteOnTheConnectionsVertxLoop() throws Exception {
    Queue<Threads> seen = new ConcurrentLinkedQueue<>();
    var config =
        ServerFixture.config(List.of(new Endpoint.Inet("127.0.0.1", 0)), Limits.defaults(), null);
    Daemon daemon =
        Daemon.start(config, (vertx, c) -> backend(Map.of("timed", timed(vertx, seen))));
    try {
      var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.server().port());
      // Several connections, so both of Vert.x's loops serve some.
      List<BlockingSocketmapClient> clients = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        clients.add(BlockingSocketmapClient.connect(address, ServerFixture.CLIENT_TIMEOUT));
      }
      for (int round = 0; round < 5; round++) {
        for (BlockingSocketmapClient client : clients) {
          assertThat(client.query("timed", "k").status()).isEqualTo(SocketmapStatus.OK);
        }
      }
      for (BlockingSocketmapClient client : clients) {
        client.close();
      }
    } finally {
      daemon.close();
    }
    assertThat(seen).hasSize(30);
    assertThat(seen.stream().map(Threads::started).distinct())
        .allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
    assertThat(seen).allMatch(Threads::inContext, "started in the loop's Vert.x context");
    assertThat(seen).allMatch(t -> t.started().equals(t.completed()), "completed where started");
  }

  private static MapLookup timed(Vertx vertx, Queue<Threads> seen) {
    return key -> {
      String started = Thread.currentThread().getName();
      boolean inContext = Vertx.currentContext() != null;
      Promise<LookupResult> promise = Promise.promise();
      vertx.setTimer(
          1,
          id -> {
            seen.add(new Threads(started, inContext, Thread.currentThread().getName()));
            promise.complete(LookupResult.found("v"));
          });
      return promise.future().toCompletionStage();
    };
  }
}
