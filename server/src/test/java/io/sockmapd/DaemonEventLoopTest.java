package io.sockmapd;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.net.ServerFixture;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
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
import org.junit.jupiter.api.Test;

/**
 * The listeners run on Vert.x's own event loops, and a lookup's asynchronous Vert.x work completes
 * on the loop of the connection that asked: the reply needs no hop to another thread.
 */
class DaemonEventLoopTest {

  /** Where one lookup started and where its Vert.x timer (standing in for pool I/O) fired. */
  private record Threads(String started, String completed) {}

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
    assertThat(seen).allMatch(t -> t.started().equals(t.completed()), "completed where started");
  }

  private static MapLookup timed(Vertx vertx, Queue<Threads> seen) {
    return key -> {
      String started = Thread.currentThread().getName();
      Promise<LookupResult> promise = Promise.promise();
      vertx.setTimer(
          1,
          id -> {
            seen.add(new Threads(started, Thread.currentThread().getName()));
            promise.complete(LookupResult.found("v"));
          });
      return promise.future().toCompletionStage();
    };
  }

  private static LookupBackend backend(Map<String, MapLookup> maps) {
    return new LookupBackend() {
      @Override
      public Map<String, MapLookup> maps() {
        return maps;
      }

      @Override
      public CompletionStage<Void> close(Duration timeout) {
        return CompletableFuture.completedFuture(null);
      }
    };
  }
}
