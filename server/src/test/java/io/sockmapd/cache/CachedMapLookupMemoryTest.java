package io.sockmapd.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.CacheConfig;
import io.sockmapd.config.MapConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cache's memory bound: by estimated bytes, by entries, and by key length. */
class CachedMapLookupMemoryTest {
  private static final Duration TTL = Duration.ofHours(1);
  private static final long MAX_BYTES = 1024 * 1024;

  private final ManualTicker clock = new ManualTicker();
  private final AtomicInteger calls = new AtomicInteger();

  /** Answers every key with a miss, as a database mostly does for unknown addresses. */
  private final MapLookup misses =
      key -> {
        calls.incrementAndGet();
        return CompletableFuture.completedFuture(LookupResult.notFound());
      };

  private static String key(int i, int length) {
    String prefix = "k" + i + "@";
    return prefix + "x".repeat(length - prefix.length());
  }

  private static CacheConfig config(long maxEntries, long maxBytes, int maxKeyLength) {
    return new CacheConfig(TTL, TTL, maxEntries, Duration.ZERO, maxBytes, maxKeyLength);
  }

  @Test
  void longKeysAreBoundedByBytesNotByTheirCount() {
    CachedMapLookup cache =
        new CachedMapLookup("m", misses, config(1_000_000, MAX_BYTES, 100_000), clock);

    for (int i = 0; i < 5_000; i++) {
      cache.lookup(key(i, 2_000));
    }

    // 5,000 keys of 2,000 bytes are 10 MB of text; the bound is 1 MB.
    assertThat(cache.weight()).isLessThanOrEqualTo(MAX_BYTES);
    assertThat(cache.size()).isPositive().isLessThanOrEqualTo(MAX_BYTES / 2_000);
  }

  @Test
  void maxEntriesStillBoundsSmallEntries() {
    CachedMapLookup cache = new CachedMapLookup("m", misses, config(100, MAX_BYTES, 1024), clock);

    for (int i = 0; i < 1_000; i++) {
      cache.lookup(key(i, 20));
    }

    assertThat(cache.size()).isPositive().isLessThanOrEqualTo(100);
    assertThat(cache.weight()).isLessThanOrEqualTo(MAX_BYTES);
  }

  @Test
  void smallEntriesFillTheByteBoundWhenMaxEntriesAllows() {
    CachedMapLookup cache =
        new CachedMapLookup("m", misses, config(1_000_000, MAX_BYTES, 1024), clock);

    for (int i = 0; i < 20_000; i++) {
      cache.lookup(key(i, 30));
    }

    // About 270 bytes each: several thousand fit in 1 MB, not all 20,000.
    assertThat(cache.size()).isBetween(1_000L, 5_000L);
    assertThat(cache.weight()).isLessThanOrEqualTo(MAX_BYTES);
  }

  @Test
  void aKeyLongerThanMaxKeyLengthIsNeverCached() {
    CachedMapLookup cache = new CachedMapLookup("m", misses, config(1000, MAX_BYTES, 100), clock);
    String longest = key(1, 100);
    String tooLong = key(2, 101);

    cache.lookup(longest);
    cache.lookup(longest);
    assertThat(calls).hasValue(1);

    cache.lookup(tooLong);
    cache.lookup(tooLong);
    assertThat(calls).hasValue(3);
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void theDefaultKeyLengthLimitLeaves2000ByteKeysUncached() {
    CachedMapLookup cache =
        new CachedMapLookup(
            "m", misses, new CacheConfig(TTL, TTL, 1000, Duration.ZERO), MAX_BYTES, clock);

    cache.lookup(key(1, 2_000));

    assertThat(cache.size()).isZero();
  }

  @Test
  void cachesWithoutMaxBytesShareOneBudget() {
    CacheConfig shared = new CacheConfig(TTL, TTL, 1_000_000, Duration.ZERO, 0, 100_000);
    CacheConfig own = config(1_000_000, MAX_BYTES, 100_000);
    MapCaches caches =
        MapCaches.wrap(
            Map.of("a", misses, "b", misses, "c", misses, "own", misses),
            Map.of(
                "a", map("a", shared),
                "b", map("b", shared),
                "c", map("c", shared),
                "own", map("own", own)),
            clock,
            3 * MAX_BYTES);

    for (String name : List.of("a", "b", "c", "own")) {
      for (int i = 0; i < 2_000; i++) {
        caches.maps().get(name).lookup(key(i, 2_000));
      }
    }

    // Three maps split 3 MB; the one with its own max_bytes does not take from it.
    long total = 0;
    for (String name : List.of("a", "b", "c")) {
      long weight = caches.cache(name).weight();
      assertThat(weight).as(name).isLessThanOrEqualTo(MAX_BYTES).isGreaterThan(MAX_BYTES / 2);
      total += weight;
    }
    assertThat(total).isLessThanOrEqualTo(3 * MAX_BYTES);
    assertThat(caches.cache("own").weight())
        .isLessThanOrEqualTo(MAX_BYTES)
        .isGreaterThan(MAX_BYTES / 2);
  }

  private static MapConfig map(String name, CacheConfig cache) {
    return new MapConfig(
        name, "db", "SELECT 1", "%s", List.of(), 0, true, "", List.of(), cache, true, List.of());
  }
}
