package io.sockmapd.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.CacheConfig;
import io.sockmapd.lookup.InternalErrors;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.metrics.DaemonMetrics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Caches the definitive answers ({@code OK}, {@code NOTFOUND}) of another map.
 *
 * <ul>
 *   <li>{@code OK} answers are fresh for {@code ttl}, {@code NOTFOUND} answers for {@code
 *       negative_ttl}; a zero TTL means that kind of answer is not cached.
 *   <li>Concurrent lookups of one key share one call to the wrapped map (single flight).
 *   <li>{@code TEMP}, {@code TIMEOUT} and {@code PERM} are never cached and never replace a cached
 *       answer.
 *   <li>Bounded twice: by {@code max_entries} and by {@code max_bytes}, the estimated heap the
 *       entries take ({@link EntryWeigher}). Each entry weighs at least {@code max_bytes /
 *       max_entries}, so one weight bound keeps both (Caffeine takes one bound only).
 *   <li>A key longer than {@code max_key_length} is passed to the wrapped map every time and never
 *       cached: such keys are nearly always one-offs, and each would push many useful entries out.
 *   <li>Stale-if-error: with {@code max_stale > 0}, when the wrapped map answers {@code TEMP} or
 *       {@code TIMEOUT} (an outage), the last definitive answer for that key is served if it
 *       expired less than {@code max_stale} ago. Without such an answer the outage is passed on: an
 *       outage never becomes {@code NOTFOUND}.
 * </ul>
 *
 * <p>The cache key is the key exactly as the client sent it. A wrapped SQL map that folds case
 * answers {@code User@X} and {@code user@x} alike; caching them separately is still correct, only
 * less shared.
 *
 * <p>A hit returns an already completed stage kept with the entry: no allocation, no thread hop.
 */
public final class CachedMapLookup implements MapLookup {
  private static final Logger log = LogManager.getLogger(CachedMapLookup.class);

  private final String mapName;
  private final MapLookup delegate;
  private final Ticker ticker;
  private final long ttlNanos;
  private final long negativeTtlNanos;
  private final long maxStaleNanos;
  private final Duration positiveRetention;
  private final Duration negativeRetention;
  private final int maxKeyLength;
  private final long minEntryWeight;
  private final Cache<String, Entry> entries;

  /**
   * Hits and misses as the client sees them: an entry kept past its TTL for {@code max_stale} is a
   * miss (the database is asked), which Caffeine alone would count as a hit.
   */
  private final ConcurrentStatsCounter stats = new ConcurrentStatsCounter();

  private final DaemonMetrics metrics;
  private final ConcurrentHashMap<String, CompletableFuture<LookupResult>> inFlight =
      new ConcurrentHashMap<>();

  /**
   * Bumped by {@link #flush()} and {@link #invalidating()} so a lookup that started before a flush
   * or a change can't put its answer, perhaps read before the change, into the cache.
   */
  private final AtomicLong flushEpoch = new AtomicLong();

  /**
   * One cached definitive answer.
   *
   * @param stage the answer as a completed stage, handed out on every hit
   * @param freshUntil ticker time until which the answer is served without asking the wrapped map
   * @param weight what the entry counts against {@code max_bytes}
   */
  private record Entry(
      LookupResult result, CompletionStage<LookupResult> stage, long freshUntil, int weight) {}

  /**
   * Wraps {@code delegate} using the system clock.
   *
   * @param mapName used in log messages only
   */
  public CachedMapLookup(String mapName, MapLookup delegate, CacheConfig config) {
    this(mapName, delegate, config, Ticker.systemTicker());
  }

  /**
   * Wraps {@code delegate}, reading time from {@code ticker} (nanoseconds, as {@link
   * System#nanoTime()}) for every expiry decision; tests pass a hand-driven clock.
   */
  public CachedMapLookup(String mapName, MapLookup delegate, CacheConfig config, Ticker ticker) {
    this(
        mapName,
        delegate,
        config,
        config.maxBytes() == CacheConfig.SHARED_BUDGET
            ? CacheBudget.share(CacheBudget.defaultTotal(), 1)
            : config.maxBytes(),
        ticker);
  }

  /**
   * As {@link #CachedMapLookup(String, MapLookup, CacheConfig, Ticker)}, with the memory bound
   * already settled ({@link MapCaches} shares one default budget between caches).
   *
   * @param maxBytes bound on the estimated heap of the entries; replaces {@code config.maxBytes()}
   */
  CachedMapLookup(
      String mapName, MapLookup delegate, CacheConfig config, long maxBytes, Ticker ticker) {
    this(mapName, delegate, config, maxBytes, ticker, DaemonMetrics.NONE);
  }

  /** As above, reporting the cache's statistics and its stale answers to {@code metrics}. */
  CachedMapLookup(
      String mapName,
      MapLookup delegate,
      CacheConfig config,
      long maxBytes,
      Ticker ticker,
      DaemonMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.mapName = Objects.requireNonNull(mapName, "mapName");
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.ttlNanos = saturatedNanos(config.ttl());
    this.negativeTtlNanos = saturatedNanos(config.negativeTtl());
    this.maxStaleNanos = saturatedNanos(config.maxStale());
    // Entries are kept past their TTL for max_stale so an outage can still be answered from them.
    this.positiveRetention = config.ttl().plus(config.maxStale());
    this.negativeRetention = config.negativeTtl().plus(config.maxStale());
    this.maxKeyLength = config.maxKeyLength();
    long weightBound = Math.max(1, maxBytes);
    // Rounded up, so that max_entries entries of the floor weight never exceed max_bytes.
    this.minEntryWeight =
        Math.min(Integer.MAX_VALUE, (weightBound + config.maxEntries() - 1) / config.maxEntries());
    this.entries =
        Caffeine.newBuilder()
            // Upkeep (recording reads, evicting, expiring) runs on the thread that used the cache,
            // an event loop, in small amortized steps. Caffeine's default hands it to the common
            // fork-join pool, waking one of its threads every few dozen hits: measured at a third
            // of a futex call and a context switch per cached lookup, more than the upkeep costs.
            .executor(Runnable::run)
            .maximumWeight(weightBound)
            .weigher((String key, Entry entry) -> entry.weight())
            .ticker(ticker)
            .recordStats(() -> stats)
            .expireAfter(
                Expiry.writing(
                    (String key, Entry entry) ->
                        entry.result().status() == SocketmapStatus.OK
                            ? positiveRetention
                            : negativeRetention))
            .build();
    metrics.cacheCreated(mapName, entries);
  }

  @Override
  public CompletionStage<LookupResult> lookup(String key) {
    if (key.length() > maxKeyLength) {
      return passThrough(key);
    }
    Entry entry = entries.policy().getIfPresentQuietly(key);
    if (entry != null && ticker.read() < entry.freshUntil()) {
      // Read again the counted way: a hit, and a use that keeps the entry from eviction.
      Entry counted = entries.getIfPresent(key);
      if (counted != null) {
        return counted.stage();
      }
    } else {
      stats.recordMisses(1);
    }
    CompletableFuture<LookupResult> mine = new CompletableFuture<>();
    CompletableFuture<LookupResult> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return running.minimalCompletionStage();
    }
    long epoch = flushEpoch.get();
    CompletionStage<LookupResult> answer;
    try {
      answer = delegate.lookup(key);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (result, failure) -> {
          LookupResult outcome = settle(key, result, failure, epoch);
          inFlight.remove(key, mine);
          mine.complete(outcome);
        });
    return mine.minimalCompletionStage();
  }

  /** A lookup the cache takes no part in, with the same guard against a failing map. */
  private CompletionStage<LookupResult> passThrough(String key) {
    CompletionStage<LookupResult> answer;
    try {
      answer = delegate.lookup(key);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.handle(
        (result, failure) -> {
          if (result != null) {
            return result;
          }
          return InternalErrors.answer(mapName, "lookup", failure);
        });
  }

  /** Records a finished lookup and decides what the waiting clients get. */
  private LookupResult settle(
      String key, @Nullable LookupResult result, @Nullable Throwable failure, long epoch) {
    if (result == null) {
      // MapLookup must not fail for expected problems; treat a bug like an outage, never a miss.
      return answerOutage(key, InternalErrors.answer(mapName, "lookup", failure));
    }
    switch (result.status()) {
      case OK -> remember(key, result, ttlNanos, epoch);
      case NOTFOUND -> remember(key, result, negativeTtlNanos, epoch);
      case TEMP, TIMEOUT -> {
        return answerOutage(key, result);
      }
      case PERM -> {
        // A configuration error says nothing about the data; the cached answer stays.
      }
    }
    return result;
  }

  private void remember(String key, LookupResult result, long ttl, long epoch) {
    if (ttl <= 0) {
      // Not cached, but the old answer for this key is now known to be wrong.
      entries.invalidate(key);
      return;
    }
    long now = ticker.read();
    int weight = (int) Math.min(Integer.MAX_VALUE, Math.max(minEntryWeight, weigh(key, result)));
    entries.put(
        key,
        new Entry(
            result, CompletableFuture.completedStage(result), saturatedAdd(now, ttl), weight));
    if (flushEpoch.get() != epoch) {
      // A flush ran while this lookup was in flight: its answer may predate the flush.
      entries.invalidate(key);
    }
  }

  private LookupResult answerOutage(String key, LookupResult outage) {
    if (maxStaleNanos <= 0) {
      return outage;
    }
    Entry entry = entries.policy().getIfPresentQuietly(key);
    if (entry == null) {
      return outage;
    }
    long now = ticker.read();
    // Exclusive bound, as Caffeine's: the entry is gone at exactly ttl + max_stale.
    if (now >= saturatedAdd(entry.freshUntil(), maxStaleNanos)) {
      return outage;
    }
    metrics.staleAnswer(mapName);
    if (log.isDebugEnabled()) {
      log.debug(
          "map {}: {} from the database, serving a cached {} {} ms past its expiry for key {}",
          mapName,
          outage.status(),
          entry.result().status(),
          Math.max(0, now - entry.freshUntil()) / 1_000_000,
          key);
    }
    return entry.result();
  }

  /**
   * Takes over the answers {@code previous} holds: a configuration reload that left this map and
   * its database as they were keeps its cache hits. Each answer keeps its own expiry time.
   */
  public void keepEntriesOf(CachedMapLookup previous) {
    long epoch = flushEpoch.get();
    entries.putAll(previous.entries.asMap());
    if (flushEpoch.get() != epoch) {
      // A change was announced while the answers were copied: one of them may predate it.
      entries.invalidateAll();
    }
  }

  /**
   * Says that some cached answers are about to be dropped ({@link #drop}): lookups running now
   * won't keep their answers. Cheap, so it can run on the thread that hears of the change, before
   * the drop itself runs elsewhere.
   */
  public void invalidating() {
    flushEpoch.incrementAndGet();
  }

  /**
   * Drops the cached answers (and forgets the running lookups) of every key {@code stale} accepts.
   * Visits every cached key: run it off the event loops.
   *
   * @return how many cached answers were dropped
   */
  public int drop(Predicate<String> stale) {
    flushEpoch.incrementAndGet();
    inFlight.keySet().removeIf(stale);
    int[] dropped = {0};
    entries
        .asMap()
        .keySet()
        .removeIf(
            key -> {
              if (stale.test(key)) {
                dropped[0]++;
                return true;
              }
              return false;
            });
    return dropped[0];
  }

  /** Drops every cached answer; lookups already running are not shared with later ones. */
  public void flush() {
    flushEpoch.incrementAndGet();
    inFlight.clear();
    entries.invalidateAll();
  }

  /** Approximate number of cached keys, after pending evictions have run (for tests, metrics). */
  long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  private static long weigh(String key, LookupResult result) {
    return EntryWeigher.estimate(key, result.text());
  }

  /** Total weight of the cached entries, after pending evictions have run (for tests). */
  long weight() {
    entries.cleanUp();
    return entries.policy().eviction().orElseThrow().weightedSize().orElseThrow();
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Overflow when both operands have the sign opposite to the result.
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
