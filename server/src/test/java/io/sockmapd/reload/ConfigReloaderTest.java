package io.sockmapd.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sockmapd.Daemon;
import io.sockmapd.cache.CachingBackend;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.CacheConfig;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.BackendFactory;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.net.ServerFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload in a running daemon with in-memory maps whose answers name their query ({@code
 * QUERY:KEY}), so that a test sees which configuration answered: what swaps, what is kept, what is
 * closed and when, and what a refused reload leaves alone.
 */
class ConfigReloaderTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);
  private static final CacheConfig CACHE =
      new CacheConfig(Duration.ofMinutes(1), Duration.ofMinutes(1), 1000, Duration.ZERO);

  @TempDir Path dir;

  /** The configuration a reload reads; null makes it fail as a broken file does. */
  private final AtomicReference<@Nullable SockmapdConfig> file = new AtomicReference<>();

  /** Lookups that reached a map, by "map/query". */
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  private final List<TestBackend> built = new CopyOnWriteArrayList<>();

  /** Holds lookups of queries named "gated..." until completed. */
  private final CompletableFuture<Void> gate = new CompletableFuture<>();

  private Daemon daemon;

  private final BackendFactory factory =
      (vertx, config) -> {
        TestBackend backend = new TestBackend(config);
        built.add(backend);
        return CachingBackend.wrap(backend, config);
      };

  @AfterEach
  void stop() {
    gate.complete(null);
    if (daemon != null) {
      daemon.close();
    }
  }

  private final class TestBackend implements LookupBackend {
    final Map<String, MapLookup> maps = new LinkedHashMap<>();
    final AtomicBoolean closed = new AtomicBoolean();

    TestBackend(SockmapdConfig config) {
      config.maps().forEach((name, map) -> maps.put(name, answering(name, map.query())));
    }

    private MapLookup answering(String name, String query) {
      return key -> {
        calls.computeIfAbsent(name + "/" + query, k -> new AtomicInteger()).incrementAndGet();
        CompletionStage<Void> ready =
            query.startsWith("gated") ? gate : CompletableFuture.completedFuture(null);
        return ready.thenApply(v -> LookupResult.found(query + ":" + key));
      };
    }

    @Override
    public Map<String, MapLookup> maps() {
      return maps;
    }

    @Override
    public CompletionStage<Void> close(Duration timeout) {
      closed.set(true);
      return CompletableFuture.completedFuture(null);
    }
  }

  private static MapConfig map(String name, String query, @Nullable CacheConfig cache) {
    return new MapConfig(
        name, "db", query, "%s", List.of(), 0, false, "", List.of(), cache, false, List.of());
  }

  private static SockmapdConfig config(List<Endpoint> listen, Limits limits, MapConfig... maps) {
    Map<String, MapConfig> byName = new LinkedHashMap<>();
    for (MapConfig map : maps) {
      byName.put(map.name(), map);
    }
    return new SockmapdConfig(listen, 0660, limits, Duration.ofSeconds(5), Map.of(), byName, null);
  }

  private void start(SockmapdConfig config) throws Exception {
    file.set(config);
    daemon =
        Daemon.start(
            config,
            factory,
            () -> {
              SockmapdConfig next = file.get();
              if (next == null) {
                throw new ConfigException(
                    "sockmapd.json",
                    List.of(
                        new ConfigProblem("$.maps.a.query", "unknown expansion %x"),
                        new ConfigProblem("$.databases", "missing")));
              }
              return next;
            });
  }

  private String reload() throws Exception {
    return daemon
        .reloader()
        .reload()
        .toCompletableFuture()
        .get(LIMIT.toSeconds(), TimeUnit.SECONDS);
  }

  private Throwable refusedReload() {
    var reload = daemon.reloader().reload().toCompletableFuture();
    assertThatThrownBy(() -> reload.get(LIMIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    return reload.handle((summary, failure) -> failure).join().getCause();
  }

  private static SocketmapResponse query(Endpoint endpoint, String map, String key)
      throws IOException {
    try (BlockingSocketmapClient client = BlockingSocketmapClient.connect(endpoint, LIMIT)) {
      return client.query(map, key);
    }
  }

  private int calls(String mapAndQuery) {
    AtomicInteger count = calls.get(mapAndQuery);
    return count == null ? 0 : count.get();
  }

  @Test
  void unchangedMapsKeepTheirCachesChangedOnesAnswerFromTheNewQuery() throws Exception {
    Endpoint socket = new Endpoint.Unix(dir.resolve("maps.sock"));
    start(config(List.of(socket), Limits.defaults(), map("a", "qa", CACHE), map("b", "qb", CACHE)));
    assertThat(query(socket, "a", "k")).isEqualTo(SocketmapResponse.ok("qa:k"));
    assertThat(query(socket, "b", "k")).isEqualTo(SocketmapResponse.ok("qb:k"));

    file.set(
        config(
            List.of(socket),
            Limits.defaults(),
            map("a", "qa", CACHE),
            map("b", "qb2", CACHE),
            map("c", "qc", null)));
    assertThat(reload())
        .isEqualTo(
            "3 maps (changed: b; added: c; removed: none; caches kept: 1), 1 listeners"
                + " (opened: none; closed: none)");

    assertThat(query(socket, "a", "k")).isEqualTo(SocketmapResponse.ok("qa:k"));
    assertThat(calls("a/qa")).as("a's answer came from the kept cache").isEqualTo(1);
    assertThat(query(socket, "b", "k")).isEqualTo(SocketmapResponse.ok("qb2:k"));
    assertThat(query(socket, "c", "k")).isEqualTo(SocketmapResponse.ok("qc:k"));
    await().atMost(LIMIT).until(() -> built.get(0).closed.get());
    assertThat(built.get(1).closed).isFalse();

    file.set(config(List.of(socket), Limits.defaults(), map("b", "qb2", CACHE)));
    reload();
    assertThat(query(socket, "a", "k")).isEqualTo(SocketmapResponse.perm("unknown map a"));
    assertThat(query(socket, "b", "k")).isEqualTo(SocketmapResponse.ok("qb2:k"));
    assertThat(calls("b/qb2")).as("b's cache was kept through the second reload").isEqualTo(1);
  }

  @Test
  void listenersAreOpenedAndClosedByDifferenceWhileConnectionsStayOpen() throws Exception {
    Endpoint kept = new Endpoint.Unix(dir.resolve("kept.sock"));
    Endpoint removed = new Endpoint.Unix(dir.resolve("removed.sock"));
    Endpoint added = new Endpoint.Unix(dir.resolve("added.sock"));
    start(config(List.of(kept, removed), Limits.defaults(), map("a", "q1", null)));
    try (BlockingSocketmapClient onRemoved = BlockingSocketmapClient.connect(removed, LIMIT);
        BlockingSocketmapClient onKept = BlockingSocketmapClient.connect(kept, LIMIT)) {
      assertThat(onRemoved.query("a", "k")).isEqualTo(SocketmapResponse.ok("q1:k"));

      file.set(config(List.of(kept, added), Limits.defaults(), map("a", "q2", null)));
      assertThat(reload()).endsWith("2 listeners (opened: " + added + "; closed: " + removed + ")");

      assertThat(query(added, "a", "k")).isEqualTo(SocketmapResponse.ok("q2:k"));
      assertThatThrownBy(() -> BlockingSocketmapClient.connect(removed, LIMIT))
          .isInstanceOf(IOException.class);
      assertThat(dir.resolve("removed.sock")).doesNotExist();
      // Connections accepted before stay open, on every listener, and get the new maps.
      assertThat(onRemoved.query("a", "k")).isEqualTo(SocketmapResponse.ok("q2:k"));
      assertThat(onKept.query("a", "k")).isEqualTo(SocketmapResponse.ok("q2:k"));
    }
    await().atMost(LIMIT).until(() -> daemon.server().openConnections() == 0);
  }

  @Test
  void lookupsInFlightFinishOnTheOldMapsWhoseBackendClosesAfterThem() throws Exception {
    Endpoint socket = new Endpoint.Unix(dir.resolve("maps.sock"));
    start(config(List.of(socket), Limits.defaults(), map("a", "gated-old", null)));
    try (BlockingSocketmapClient client = BlockingSocketmapClient.connect(socket, LIMIT)) {
      client.writeRequest("a", "k");
      await().atMost(LIMIT).until(() -> calls("a/gated-old") == 1);

      file.set(config(List.of(socket), Limits.defaults(), map("a", "new", null)));
      reload();
      assertThat(query(socket, "a", "k")).isEqualTo(SocketmapResponse.ok("new:k"));
      Thread.sleep(200);
      assertThat(built.get(0).closed).as("closed while a lookup ran on it").isFalse();

      gate.complete(null);
      assertThat(client.readReply()).isEqualTo(SocketmapResponse.ok("gated-old:k"));
      await().atMost(LIMIT).until(() -> built.get(0).closed.get());
    }
  }

  @Test
  void aRefusedReloadChangesNothingAndSaysWhyInOneLine() throws Exception {
    Endpoint socket = new Endpoint.Unix(dir.resolve("maps.sock"));
    SockmapdConfig first = config(List.of(socket), Limits.defaults(), map("a", "q1", null));
    start(first);

    file.set(null);
    assertThat(refusedReload())
        .hasMessage(
            "sockmapd.json: 2 problems; $.maps.a.query: unknown expansion %x; $.databases:"
                + " missing");

    file.set(
        config(
            List.of(socket),
            ServerFixture.limits(500, Limits.DEFAULT_MAX_PENDING_REQUESTS, Duration.ofMinutes(1)),
            map("a", "q2", null)));
    assertThat(refusedReload())
        .hasMessage(
            "a restart is needed to change limits.max_connections, limits.idle_timeout; nothing"
                + " changed");

    Endpoint unreachable = new Endpoint.Unix(dir.resolve("no-such-dir/maps.sock"));
    file.set(config(List.of(socket, unreachable), Limits.defaults(), map("a", "q2", null)));
    assertThat(refusedReload()).hasMessageStartingWith("cannot listen on " + unreachable);
    await().atMost(LIMIT).until(() -> built.get(1).closed.get());

    assertThat(query(socket, "a", "k")).isEqualTo(SocketmapResponse.ok("q1:k"));
    assertThat(built.get(0).closed).isFalse();
    assertThat(daemon.server().listeners()).hasSize(1);
  }
}
