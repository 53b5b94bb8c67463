package io.sockmapd.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import io.sockmapd.config.CacheConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.metrics.DaemonMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a cache reports to the metrics: hits and misses as the client sees them, and the stale
 * answers served during an outage.
 */
class CachedMapLookupStatsTest {
  private static final LookupResult FOUND = LookupResult.found("value");

  private final ManualTicker clock = new ManualTicker();
  private final ScriptedMap db = new ScriptedMap();
  private final List<Cache<?, ?>> caches = new ArrayList<>();
  private final List<String> staleAnswers = new ArrayList<>();

  private final DaemonMetrics metrics =
      new DaemonMetrics() {
        @Override
        public void cacheCreated(String map, Cache<?, ?> cache) {
          caches.add(cache);
        }

        @Override
        public void staleAnswer(String map) {
          staleAnswers.add(map);
        }
      };

  private CachedMapLookup cache() {
    CacheConfig config =
        new CacheConfig(Duration.ofSeconds(60), Duration.ofSeconds(10), 1000, Duration.ofHours(1));
    return new CachedMapLookup("m", db, config, 1 << 20, clock, metrics);
  }

  @Test
  void anEntryPastItsTtlIsAMissNotAHit() {
    CachedMapLookup cache = cache();
    db.answer("k", FOUND);
    var unused1 = cache.lookup("k"); // miss
    var unused2 = cache.lookup("k"); // hit
    clock.advance(Duration.ofSeconds(61));
    // Still in Caffeine (kept for max_stale), but expired: the database is asked again.
    var unused3 = cache.lookup("k");

    assertThat(db.calls("k")).isEqualTo(2);
    assertThat(caches).hasSize(1);
    var stats = caches.get(0).stats();
    assertThat(stats.hitCount()).isEqualTo(1);
    assertThat(stats.missCount()).isEqualTo(2);
  }

  @Test
  void aStaleAnswerDuringAnOutageIsCounted() {
    CachedMapLookup cache = cache();
    db.answer("k", FOUND);
    var unused = cache.lookup("k");
    clock.advance(Duration.ofSeconds(61));
    db.answer("k", LookupResult.temp("database down"));

    assertThat(cache.lookup("k").toCompletableFuture().join()).isEqualTo(FOUND);
    assertThat(staleAnswers).containsExactly("m");
    // The outage's look at the entry is not a second hit or miss.
    assertThat(caches.get(0).stats().requestCount()).isEqualTo(2);
  }
}
