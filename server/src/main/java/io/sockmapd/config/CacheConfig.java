package io.sockmapd.config;

import io.sockmapd.config.schema.CacheKeys;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A map's optional lookup cache.
 *
 * @param ttl how long an {@code OK} answer is kept
 * @param negativeTtl how long a {@code NOTFOUND} answer is kept (most lookups miss)
 * @param maxEntries bound on the number of cached keys
 * @param maxStale when the database is unreachable, a cached answer up to this old is served
 *     instead of {@code TEMP}; zero turns stale serving off
 * @param maxBytes bound on the estimated memory of the cached entries, or {@link #SHARED_BUDGET}
 *     for an equal share of the daemon-wide default budget
 * @param maxKeyLength keys longer than this many characters are passed through, never cached
 * @param listenChannel the PostgreSQL channel whose notifications drop cached answers, or null when
 *     the cache learns of no change before the TTL
 */
public record CacheConfig(
    Duration ttl,
    Duration negativeTtl,
    long maxEntries,
    Duration maxStale,
    long maxBytes,
    int maxKeyLength,
    @Nullable String listenChannel) {

  /** {@link #maxBytes()} when the file gives none: a share of the daemon-wide budget. */
  public static final long SHARED_BUDGET = 0;

  public static final long DEFAULT_MAX_ENTRIES = CacheKeys.MAX_ENTRIES.defaultValue();

  public static final int DEFAULT_MAX_KEY_LENGTH = CacheKeys.MAX_KEY_LENGTH.defaultValue();

  /** A cache that hears of no change: its answers last their TTL. */
  public CacheConfig(
      Duration ttl,
      Duration negativeTtl,
      long maxEntries,
      Duration maxStale,
      long maxBytes,
      int maxKeyLength) {
    this(ttl, negativeTtl, maxEntries, maxStale, maxBytes, maxKeyLength, null);
  }

  /** A cache with the default memory bound and key length limit. */
  public CacheConfig(Duration ttl, Duration negativeTtl, long maxEntries, Duration maxStale) {
    this(ttl, negativeTtl, maxEntries, maxStale, SHARED_BUDGET, DEFAULT_MAX_KEY_LENGTH);
  }
}
