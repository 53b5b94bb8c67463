package io.sockmapd.config;

import java.time.Duration;

/**
 * A map's optional lookup cache.
 *
 * @param ttl how long an {@code OK} answer is kept
 * @param negativeTtl how long a {@code NOTFOUND} answer is kept (most lookups miss)
 * @param maxEntries bound on the number of cached keys
 * @param maxStale when the database is unreachable, a cached answer up to this old is served
 *     instead of {@code TEMP}; zero turns stale serving off
 */
public record CacheConfig(Duration ttl, Duration negativeTtl, long maxEntries, Duration maxStale) {}
