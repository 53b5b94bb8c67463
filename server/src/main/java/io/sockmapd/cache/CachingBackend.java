package io.sockmapd.cache;

import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.PolicyLookup;
import io.sockmapd.metrics.DaemonMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Any backend with the caches its maps' configurations ask for put in front, and the {@link
 * CacheControl} that the control socket uses to flush them.
 */
public final class CachingBackend implements LookupBackend, CacheControl {
  private final LookupBackend backend;
  private final MapCaches caches;

  private CachingBackend(LookupBackend backend, MapCaches caches) {
    this.backend = backend;
    this.caches = caches;
  }

  /** Wraps the maps of {@code backend} whose configuration in {@code config} has a cache. */
  public static CachingBackend wrap(LookupBackend backend, SockmapdConfig config) {
    return wrap(backend, config, DaemonMetrics.NONE);
  }

  /** As {@link #wrap(LookupBackend, SockmapdConfig)}, the caches reporting to {@code metrics}. */
  public static CachingBackend wrap(
      LookupBackend backend, SockmapdConfig config, DaemonMetrics metrics) {
    return new CachingBackend(backend, MapCaches.wrap(backend.maps(), config.maps(), metrics));
  }

  @Override
  public Map<String, MapLookup> maps() {
    return caches.maps();
  }

  /** The policies are not cached: each request carries a different set of attributes. */
  @Override
  public Map<String, PolicyLookup> policies() {
    return backend.policies();
  }

  @Override
  public CompletionStage<Void> close(Duration timeout) {
    return backend.close(timeout);
  }

  /** The cache in front of one map, or null when that map has none. */
  public @Nullable CachedMapLookup cache(String mapName) {
    return caches.cache(mapName);
  }

  @Override
  public boolean flush(String mapName) {
    return caches.flush(mapName);
  }

  @Override
  public void flushAll() {
    caches.flushAll();
  }
}
