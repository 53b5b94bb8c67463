package io.sockmapd.cache;

import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.MapLookup;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

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
    return new CachingBackend(backend, MapCaches.wrap(backend.maps(), config.maps()));
  }

  @Override
  public Map<String, MapLookup> maps() {
    return caches.maps();
  }

  @Override
  public CompletionStage<Void> close(Duration timeout) {
    return backend.close(timeout);
  }

  @Override
  public Set<String> cachedMaps() {
    return caches.cachedMaps();
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
