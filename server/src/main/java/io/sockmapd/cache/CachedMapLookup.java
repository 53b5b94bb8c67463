package io.sockmapd.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.CacheConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
  private final Cache<String, Entry> entries;
  private final ConcurrentHashMap<String, CompletableFuture<LookupResult>> inFlight =
      new ConcurrentHashMap<>();

  /** Bumped by {@link #flush()} so a lookup that started before a flush can't refill the cache. */
  private final AtomicLong flushEpoch = new AtomicLong();

  /**
   * One cached definitive answer.
   *
   * @param stage the answer as a completed stage, handed out on every hit
   * @param freshUntil ticker time until which the answer is served without asking the wrapped map
   */
  private record Entry(LookupResult result, CompletionStage<LookupResult> stage, long freshUntil) {}

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
    this.mapName = Objects.requireNonNull(mapName, "mapName");
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.ttlNanos = saturatedNanos(config.ttl());
    this.negativeTtlNanos = saturatedNanos(config.negativeTtl());
    this.maxStaleNanos = saturatedNanos(config.maxStale());
    // Entries are kept past their TTL for max_stale so an outage can still be answered from them.
    this.positiveRetention = config.ttl().plus(config.maxStale());
    this.negativeRetention = config.negativeTtl().plus(config.maxStale());
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(config.maxEntries())
            .ticker(ticker)
            .expireAfter(
                Expiry.writing(
                    (String key, Entry entry) ->
                        entry.result().status() == SocketmapStatus.OK
                            ? positiveRetention
                            : negativeRetention))
            .build();
  }

  @Override
  public CompletionStage<LookupResult> lookup(String key) {
    Entry entry = entries.getIfPresent(key);
    if (entry != null && ticker.read() < entry.freshUntil()) {
      return entry.stage();
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

  /** Records a finished lookup and decides what the waiting clients get. */
  private LookupResult settle(
      String key, @Nullable LookupResult result, @Nullable Throwable failure, long epoch) {
    if (result == null) {
      // MapLookup must not fail for expected problems; treat a bug like an outage, never a miss.
      log.warn("map {}: lookup failed unexpectedly", mapName, failure);
      return answerOutage(key, LookupResult.temp("internal error"));
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
    entries.put(
        key, new Entry(result, CompletableFuture.completedStage(result), saturatedAdd(now, ttl)));
    if (flushEpoch.get() != epoch) {
      // A flush ran while this lookup was in flight: its answer may predate the flush.
      entries.invalidate(key);
    }
  }

  private LookupResult answerOutage(String key, LookupResult outage) {
    if (maxStaleNanos <= 0) {
      return outage;
    }
    Entry entry = entries.getIfPresent(key);
    if (entry == null) {
      return outage;
    }
    long now = ticker.read();
    // Exclusive bound, as Caffeine's: the entry is gone at exactly ttl + max_stale.
    if (now >= saturatedAdd(entry.freshUntil(), maxStaleNanos)) {
      return outage;
    }
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
