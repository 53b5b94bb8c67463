package io.sockmapd.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.lookup.InternalErrors;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.metrics.DaemonMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The rules between a request and a map: what an unknown map, an empty key and a misbehaving map
 * answer, what is counted and what is logged. The listeners and {@code sockmapd query} rely on
 * every stage completing normally, whatever the map does.
 */
class RequestDispatcherTest {

  @Test
  void aKnownMapAnswersAndGetsTheKeyAsReceived() {
    List<String> asked = new ArrayList<>();
    RequestDispatcher dispatcher =
        dispatcher(
            Map.of(
                "aliases",
                key -> {
                  asked.add(key);
                  return CompletableFuture.completedFuture(LookupResult.found("dest@example.org"));
                }));

    assertThat(answer(dispatcher, "aliases", "User+Ext@Example.ORG"))
        .isEqualTo(LookupResult.found("dest@example.org"));
    assertThat(asked).containsExactly("User+Ext@Example.ORG");
  }

  @Test
  void anUnknownMapIsPermanentAndLoggedOncePerName() {
    RequestDispatcher dispatcher = dispatcher(Map.of("aliases", new TestMaps.Echo()));

    try (LogLines log = LogLines.attach(RequestDispatcher.class)) {
      for (int i = 0; i < 5; i++) {
        assertThat(answer(dispatcher, "aliasse", "a@b"))
            .isEqualTo(LookupResult.perm("unknown map aliasse"));
      }
      assertThat(answer(dispatcher, "other", "a@b"))
          .isEqualTo(LookupResult.perm("unknown map other"));

      assertThat(log.lines())
          .filteredOn(line -> line.startsWith("WARN"))
          .hasSize(2)
          .anySatisfy(line -> assertThat(line).contains("\"aliasse\"").contains("[aliases]"))
          .anySatisfy(line -> assertThat(line).contains("\"other\""));
    }
  }

  @Test
  void manyDistinctUnknownNamesShareOneThrottledLine() {
    RequestDispatcher dispatcher = dispatcher(Map.of());

    try (LogLines log = LogLines.attach(RequestDispatcher.class)) {
      for (int i = 0; i < 1_000; i++) {
        answer(dispatcher, "no-such-map-" + i, "k");
      }
      // 256 names are remembered (one line each); the other 744 share a line per 10 s.
      assertThat(log.lines()).hasSize(257);
      assertThat(log.lines().get(256)).contains("more such requests not logged");
    }
  }

  @Test
  void anEmptyKeyIsNotFoundWithoutAskingTheMap() {
    AtomicInteger calls = new AtomicInteger();
    RequestDispatcher dispatcher =
        dispatcher(
            Map.of(
                "aliases",
                key -> {
                  calls.incrementAndGet();
                  return CompletableFuture.completedFuture(LookupResult.found("x"));
                }));

    assertThat(answer(dispatcher, "aliases", "")).isEqualTo(LookupResult.notFound());
    assertThat(calls).hasValue(0);
  }

  @Test
  void everyWayAMapCanFailIsTemporaryAndNeverExceptional() {
    Map<String, MapLookup> maps = new HashMap<>();
    maps.put(
        "throws",
        key -> {
          throw new IllegalStateException("bug in the map");
        });
    maps.put("returns-null-stage", key -> null);
    maps.put("completes-with-null", key -> CompletableFuture.completedFuture(null));
    maps.put(
        "completes-exceptionally",
        key -> CompletableFuture.failedFuture(new IllegalStateException("async bug")));
    RequestDispatcher dispatcher = dispatcher(maps);

    try (LogLines log = LogLines.attach(InternalErrors.class)) {
      for (String map : maps.keySet()) {
        CompletableFuture<LookupResult> answer =
            dispatcher.dispatch(map, "key").toCompletableFuture();
        assertThat(answer).isCompletedWithValue(LookupResult.temp("internal error"));
      }
      assertThat(log.lines())
          .filteredOn(line -> line.startsWith("ERROR"))
          .isNotEmpty()
          .allSatisfy(line -> assertThat(line).contains("answered TEMP internal error"));
      assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains("map throws: lookup"));
    }
  }

  @Test
  void aLaterCompletionIsPassedOnWhenItComes() {
    CompletableFuture<LookupResult> pending = new CompletableFuture<>();
    RequestDispatcher dispatcher = dispatcher(Map.of("slow", key -> pending));

    CompletableFuture<LookupResult> answer =
        dispatcher.dispatch("slow", "key").toCompletableFuture();
    assertThat(answer).isNotDone();
    pending.complete(LookupResult.timeout("lookup_timeout"));
    assertThat(answer).isCompletedWithValue(LookupResult.timeout("lookup_timeout"));
  }

  @Test
  void metricsCountEveryAnswerByMapAndStatusAndBusyAsARejection() {
    RecordingMetrics metrics = new RecordingMetrics();
    CompletableFuture<LookupResult> pending = new CompletableFuture<>();
    Map<String, MapLookup> maps = new HashMap<>();
    maps.put("found", key -> CompletableFuture.completedFuture(LookupResult.found("v")));
    maps.put("busy", key -> CompletableFuture.completedFuture(LookupResult.busy()));
    maps.put("pending", key -> pending);
    maps.put(
        "broken",
        key -> {
          throw new IllegalStateException("bug");
        });
    RequestDispatcher dispatcher = new RequestDispatcher(new MapRegistry(maps), metrics);

    answer(dispatcher, "found", "k");
    answer(dispatcher, "busy", "k");
    answer(dispatcher, "unknown", "k");
    answer(dispatcher, "broken", "k");
    CompletionStage<LookupResult> later = dispatcher.dispatch("pending", "k");

    assertThat(metrics.started).hasValue(5);
    assertThat(metrics.finished)
        .containsExactly("found OK", "busy TEMP", "unknown PERM", "broken TEMP"); // pending not yet
    assertThat(metrics.rejections).containsExactly(DaemonMetrics.Rejection.MAX_IN_FLIGHT);

    pending.complete(LookupResult.notFound());
    assertThat(later.toCompletableFuture()).isCompleted();
    assertThat(metrics.finished).endsWith("pending NOTFOUND");
    assertThat(metrics.nanos).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
  }

  @Test
  void internalErrorLinesHeldBackAreCounted() {
    RecordingMetrics metrics = new RecordingMetrics();
    RequestDispatcher dispatcher =
        new RequestDispatcher(
            new MapRegistry(
                Map.of(
                    "always-broken",
                    key -> {
                      throw new IllegalStateException("bug");
                    })),
            metrics);

    for (int i = 0; i < 10; i++) {
      answer(dispatcher, "always-broken", "k" + i);
    }

    // One line a second per map: the first is logged, the other nine are counted.
    assertThat(metrics.suppressedLogs).hasSize(9).containsOnly("internal_error");
  }

  @Test
  void aClientChosenNameIsLoggedAsOneShortLine() {
    assertThat(RequestDispatcher.printable("evil\r\nINFO forged line"))
        .isEqualTo("evil??INFO forged line");
    String long200 = "x".repeat(200);
    assertThat(RequestDispatcher.printable(long200)).isEqualTo("x".repeat(100) + "...");
    assertThat(RequestDispatcher.printable("x".repeat(100))).isEqualTo("x".repeat(100));
  }

  private static RequestDispatcher dispatcher(Map<String, MapLookup> maps) {
    return new RequestDispatcher(new MapRegistry(maps));
  }

  private static LookupResult answer(RequestDispatcher dispatcher, String map, String key) {
    CompletableFuture<LookupResult> answer = dispatcher.dispatch(map, key).toCompletableFuture();
    assertThat(answer).isCompleted();
    return answer.join();
  }

  private static final class RecordingMetrics implements DaemonMetrics {
    final AtomicInteger started = new AtomicInteger();
    final List<String> finished = new ArrayList<>();
    final List<Long> nanos = new ArrayList<>();
    final List<DaemonMetrics.Rejection> rejections = new ArrayList<>();
    final List<String> suppressedLogs = new ArrayList<>();

    @Override
    public void logSuppressed(String log) {
      suppressedLogs.add(log);
    }

    @Override
    public void lookupStarted() {
      started.incrementAndGet();
    }

    @Override
    public void lookupFinished(String map, SocketmapStatus status, long nanos) {
      finished.add(map + " " + status);
      this.nanos.add(nanos);
    }

    @Override
    public void rejected(DaemonMetrics.Rejection reason) {
      rejections.add(reason);
    }
  }
}
