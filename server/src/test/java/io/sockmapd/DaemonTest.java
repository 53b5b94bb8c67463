package io.sockmapd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.net.ServerFixture;
import io.sockmapd.net.TestMaps;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
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
}
