package io.sockmapd.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.CacheConfig;
import io.sockmapd.lookup.LookupResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CachedMapLookupTest {
  private static final Duration TTL = Duration.ofSeconds(60);
  private static final Duration NEGATIVE_TTL = Duration.ofSeconds(10);
  private static final LookupResult FOUND = LookupResult.found("value");
  private static final LookupResult TEMP = LookupResult.temp("database down");

  private final ManualTicker clock = new ManualTicker();
  private final ScriptedMap db = new ScriptedMap();

  private CachedMapLookup cache(
      Duration ttl, Duration negativeTtl, long maxEntries, Duration stale) {
    return new CachedMapLookup(
        "m", db, new CacheConfig(ttl, negativeTtl, maxEntries, stale), clock);
  }

  private CachedMapLookup cache() {
    return cache(TTL, NEGATIVE_TTL, 1000, Duration.ZERO);
  }

  private CachedMapLookup staleCache(Duration maxStale) {
    return cache(TTL, NEGATIVE_TTL, 1000, maxStale);
  }

  /** The answer of a lookup that must already be complete. */
  private static LookupResult now(CompletionStage<LookupResult> stage) {
    CompletableFuture<LookupResult> f = stage.toCompletableFuture();
    assertThat(f).isDone();
    return f.join();
  }

  @Test
  void okAnswerIsServedFromCacheUntilTtl() {
    CachedMapLookup cache = cache();
    db.answer("a", FOUND);

    assertThat(now(cache.lookup("a"))).isEqualTo(FOUND);
    clock.advance(TTL.minusSeconds(1));
    assertThat(now(cache.lookup("a"))).isEqualTo(FOUND);
    assertThat(db.calls("a")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    db.answer("a", LookupResult.found("changed"));
    assertThat(now(cache.lookup("a")).text()).isEqualTo("changed");
    assertThat(db.calls("a")).isEqualTo(2);
  }

  @Test
  void notFoundIsCachedForNegativeTtl() {
    CachedMapLookup cache = cache();
    db.answer("nobody", LookupResult.notFound());

    assertThat(now(cache.lookup("nobody")).status()).isEqualTo(SocketmapStatus.NOTFOUND);
    clock.advance(NEGATIVE_TTL.minusMillis(1));
    assertThat(now(cache.lookup("nobody")).status()).isEqualTo(SocketmapStatus.NOTFOUND);
    assertThat(db.calls("nobody")).isEqualTo(1);

    clock.advance(Duration.ofMillis(1));
    cache.lookup("nobody");
    assertThat(db.calls("nobody")).isEqualTo(2);
  }

  @Test
  void keysAreCachedExactlyAsSent() {
    CachedMapLookup cache = cache();
    db.answer("User@Example.COM", FOUND).answer("user@example.com", FOUND);

    cache.lookup("User@Example.COM");
    cache.lookup("user@example.com");
    cache.lookup("User@Example.COM");

    assertThat(db.calls("User@Example.COM")).isEqualTo(1);
    assertThat(db.calls("user@example.com")).isEqualTo(1);
  }

  @Test
  void hitReturnsTheSameCompletedStageWithoutCallingTheMap() {
    CachedMapLookup cache = cache();
    db.answer("a", FOUND);
    cache.lookup("a");

    CompletionStage<LookupResult> first = cache.lookup("a");
    CompletionStage<LookupResult> second = cache.lookup("a");

    // As Object: AssertJ would compare fresh copies made by toCompletableFuture().
    assertThat((Object) second).isSameAs(first);
    assertThat(now(second)).isEqualTo(FOUND);
    assertThat(db.calls("a")).isEqualTo(1);
  }

  @Test
  void aCallerCannotOverwriteTheCachedAnswer() {
    CachedMapLookup cache = cache();
    db.answer("a", FOUND);
    cache.lookup("a");

    cache.lookup("a").toCompletableFuture().obtrudeValue(TEMP);

    assertThat(now(cache.lookup("a"))).isEqualTo(FOUND);
  }

  @Test
  void zeroTtlCachesNothingOfThatKind() {
    CachedMapLookup cache = cache(TTL, Duration.ZERO, 1000, Duration.ZERO);
    db.answer("nobody", LookupResult.notFound()).answer("a", FOUND);

    cache.lookup("nobody");
    cache.lookup("nobody");
    cache.lookup("a");
    cache.lookup("a");

    assertThat(db.calls("nobody")).isEqualTo(2);
    assertThat(db.calls("a")).isEqualTo(1);
  }

  @Test
  void maxEntriesBoundsTheCache() {
    CachedMapLookup cache = cache(TTL, NEGATIVE_TTL, 10, Duration.ZERO);
    for (int i = 0; i < 200; i++) {
      db.answer("k" + i, FOUND);
      cache.lookup("k" + i);
    }

    assertThat(cache.size()).isLessThanOrEqualTo(10).isPositive();
  }

  @Test
  void concurrentLookupsOfOneKeyShareOneCall() throws Exception {
    CachedMapLookup cache = cache();
    db.hold("hot");
    int clients = 50;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<CompletionStage<LookupResult>>> lookups = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        lookups.add(
            pool.submit(
                () -> {
                  start.await();
                  return cache.lookup("hot");
                }));
      }
      start.countDown();
      List<CompletableFuture<LookupResult>> answers = new ArrayList<>();
      for (Future<CompletionStage<LookupResult>> lookup : lookups) {
        answers.add(lookup.get(10, TimeUnit.SECONDS).toCompletableFuture());
      }

      assertThat(db.calls("hot")).isEqualTo(1);
      assertThat(answers).noneMatch(CompletableFuture::isDone);

      db.completeNext("hot", FOUND);

      assertThat(answers).allMatch(a -> a.isDone() && a.join().equals(FOUND));
      assertThat(now(cache.lookup("hot"))).isEqualTo(FOUND);
      assertThat(db.calls("hot")).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void lookupsOfDifferentKeysDoNotWaitForEachOther() {
    CachedMapLookup cache = cache();
    db.hold("slow").answer("fast", FOUND);

    CompletionStage<LookupResult> slow = cache.lookup("slow");

    assertThat(now(cache.lookup("fast"))).isEqualTo(FOUND);
    assertThat(slow.toCompletableFuture()).isNotDone();
    db.completeNext("slow", FOUND);
    assertThat(now(slow)).isEqualTo(FOUND);
  }

  @Test
  void errorsArePassedOnAndNeverCached() {
    CachedMapLookup cache = staleCache(Duration.ofHours(1));
    for (LookupResult error :
        List.of(TEMP, LookupResult.timeout("deadline"), LookupResult.perm("bad query"))) {
      String key = error.status().name();
      db.answer(key, error);

      assertThat(now(cache.lookup(key))).isEqualTo(error);
      assertThat(now(cache.lookup(key))).isEqualTo(error);
      assertThat(db.calls(key)).as(key).isEqualTo(2);
    }
  }

  @Test
  void anErrorAfterTheFirstWaiterStillReachesEveryWaiter() {
    CachedMapLookup cache = cache();
    db.hold("k");
    CompletionStage<LookupResult> first = cache.lookup("k");
    CompletionStage<LookupResult> second = cache.lookup("k");

    db.completeNext("k", TEMP);

    assertThat(now(first)).isEqualTo(TEMP);
    assertThat(now(second)).isEqualTo(TEMP);
    cache.lookup("k");
    assertThat(db.calls("k")).isEqualTo(2);
  }

  @Test
  void outageServesTheLastAnswerUpToMaxStale() {
    Duration maxStale = Duration.ofMinutes(5);
    CachedMapLookup cache = staleCache(maxStale);
    db.answer("a", FOUND);
    cache.lookup("a");
    clock.advance(TTL.plusSeconds(1));

    db.answer("a", TEMP);
    assertThat(now(cache.lookup("a"))).isEqualTo(FOUND);
    db.answer("a", LookupResult.timeout("deadline"));
    assertThat(now(cache.lookup("a"))).isEqualTo(FOUND);
    assertThat(db.calls("a"))
        .as("stale answers are not fresh: the map is asked each time")
        .isEqualTo(3);

    clock.advance(maxStale.minusSeconds(2));
    assertThat(now(cache.lookup("a"))).isEqualTo(FOUND);

    clock.advance(Duration.ofSeconds(1));
    assertThat(now(cache.lookup("a")).status()).isEqualTo(SocketmapStatus.TIMEOUT);
    db.answer("a", TEMP);
    assertThat(now(cache.lookup("a"))).isEqualTo(TEMP);
  }

  @Test
  void outageWithoutACachedAnswerIsNeverNotFound() {
    CachedMapLookup cache = staleCache(Duration.ofHours(1));
    db.answer("unknown", TEMP);

    assertThat(now(cache.lookup("unknown"))).isEqualTo(TEMP);
  }

  @Test
  void outageServesACachedNotFoundStale() {
    CachedMapLookup cache = staleCache(Duration.ofMinutes(5));
    db.answer("nobody", LookupResult.notFound());
    cache.lookup("nobody");
    clock.advance(NEGATIVE_TTL.plusSeconds(1));

    db.answer("nobody", TEMP);

    assertThat(now(cache.lookup("nobody")).status()).isEqualTo(SocketmapStatus.NOTFOUND);
  }

  @Test
  void outageIsPassedOnWhenStaleServingIsOff() {
    CachedMapLookup cache = cache();
    db.answer("a", FOUND);
    cache.lookup("a");
    clock.advance(TTL);

    db.answer("a", TEMP);

    assertThat(now(cache.lookup("a"))).isEqualTo(TEMP);
  }

  @Test
  void permanentErrorIsNotAnsweredStaleAndKeepsTheCachedAnswer() {
    CachedMapLookup cache = staleCache(Duration.ofMinutes(5));
    db.answer("a", FOUND);
    cache.lookup("a");
    clock.advance(TTL);

    LookupResult perm = LookupResult.perm("bad query");
    db.answer("a", perm);
    assertThat(now(cache.lookup("a"))).isEqualTo(perm);

    db.answer("a", TEMP);
    assertThat(now(cache.lookup("a"))).isEqualTo(FOUND);
  }

  @Test
  void uncachedNotFoundReplacesAnOlderAnswerForStaleServing() {
    CachedMapLookup cache = cache(TTL, Duration.ZERO, 1000, Duration.ofHours(1));
    db.answer("a", FOUND);
    cache.lookup("a");
    clock.advance(TTL);

    db.answer("a", LookupResult.notFound());
    assertThat(now(cache.lookup("a")).status()).isEqualTo(SocketmapStatus.NOTFOUND);

    db.answer("a", TEMP);
    assertThat(now(cache.lookup("a"))).as("the deleted row must not come back").isEqualTo(TEMP);
  }

  @Test
  void failingMapIsAnOutageNotAMiss() {
    CachedMapLookup failing =
        new CachedMapLookup(
            "m",
            key -> CompletableFuture.failedFuture(new IllegalStateException("bug")),
            new CacheConfig(TTL, NEGATIVE_TTL, 10, Duration.ZERO),
            clock);
    CachedMapLookup throwing =
        new CachedMapLookup(
            "m",
            key -> {
              throw new IllegalStateException("bug");
            },
            new CacheConfig(TTL, NEGATIVE_TTL, 10, Duration.ZERO),
            clock);

    assertThat(now(failing.lookup("a")).status()).isEqualTo(SocketmapStatus.TEMP);
    assertThat(now(throwing.lookup("a")).status()).isEqualTo(SocketmapStatus.TEMP);
  }

  @Test
  void flushDropsCachedAnswers() {
    CachedMapLookup cache = cache();
    db.answer("a", FOUND);
    cache.lookup("a");

    cache.flush();
    cache.lookup("a");

    assertThat(db.calls("a")).isEqualTo(2);
  }

  @Test
  void aLookupRunningDuringFlushDoesNotRefillTheCache() {
    CachedMapLookup cache = cache();
    db.hold("a");
    CompletionStage<LookupResult> before = cache.lookup("a");

    cache.flush();
    CompletionStage<LookupResult> after = cache.lookup("a");
    assertThat(db.calls("a")).as("a lookup after the flush starts its own call").isEqualTo(2);

    db.completeNext("a", LookupResult.found("old"));
    assertThat(now(before).text()).isEqualTo("old");
    assertThat(after.toCompletableFuture()).isNotDone();
    db.completeNext("a", LookupResult.found("new"));
    assertThat(now(after).text()).isEqualTo("new");

    db.answer("a", LookupResult.found("newer"));
    assertThat(now(cache.lookup("a")).text()).isEqualTo("new");
    assertThat(db.calls("a")).isEqualTo(2);
  }

  @Test
  void aLookupStartedBeforeFlushAndFinishingAfterIsNotCached() {
    CachedMapLookup cache = cache();
    db.hold("a");
    cache.lookup("a");
    cache.flush();

    db.completeNext("a", LookupResult.found("old"));
    db.answer("a", LookupResult.found("new"));

    assertThat(now(cache.lookup("a")).text()).isEqualTo("new");
  }
}
