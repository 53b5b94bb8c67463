package io.sockmapd.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.sockmapd.config.CacheConfig;
import io.sockmapd.config.MapConfig;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.MapLookup;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The maps of one backend with a {@link CachedMapLookup} put in front of every map whose
 * configuration has a {@code cache}, plus the {@link CacheControl} that flushes those caches.
 * Immutable; build one per loaded configuration with {@link #wrap}.
 */
public final class MapCaches implements CacheControl {
  private final Map<String, MapLookup> maps;
  private final Map<String, CachedMapLookup> caches;

  private MapCaches(Map<String, MapLookup> maps, Map<String, CachedMapLookup> caches) {
    this.maps = Map.copyOf(maps);
    this.caches = Map.copyOf(caches);
  }

  /**
   * Wraps each map whose {@link MapConfig#cache()} is set; other maps, and maps without a
   * configuration, pass through unchanged.
   *
   * @param maps the backend's maps by name
   * @param configs map configurations by map name
   */
  public static MapCaches wrap(Map<String, MapLookup> maps, Map<String, MapConfig> configs) {
    return wrap(maps, configs, Ticker.systemTicker());
  }

  /** As {@link #wrap(Map, Map)}, with the clock every cache reads (tests drive it by hand). */
  public static MapCaches wrap(
      Map<String, MapLookup> maps, Map<String, MapConfig> configs, Ticker ticker) {
    Map<String, MapLookup> wrapped = new LinkedHashMap<>();
    Map<String, CachedMapLookup> caches = new LinkedHashMap<>();
    maps.forEach(
        (name, map) -> {
          MapConfig config = configs.get(name);
          CacheConfig cacheConfig = config == null ? null : config.cache();
          if (cacheConfig == null) {
            wrapped.put(name, map);
          } else {
            CachedMapLookup cached = new CachedMapLookup(name, map, cacheConfig, ticker);
            caches.put(name, cached);
            wrapped.put(name, cached);
          }
        });
    return new MapCaches(wrapped, caches);
  }

  /** The maps to serve: cached ones wrapped, the rest as given. */
  public Map<String, MapLookup> maps() {
    return maps;
  }

  /** The cache in front of one map, or null when that map has none. */
  public @Nullable CachedMapLookup cache(String mapName) {
    return caches.get(mapName);
  }

  @Override
  public Set<String> cachedMaps() {
    return caches.keySet();
  }

  @Override
  public boolean flush(String mapName) {
    CachedMapLookup cache = caches.get(mapName);
    if (cache == null) {
      return false;
    }
    cache.flush();
    return true;
  }

  @Override
  public void flushAll() {
    caches.values().forEach(CachedMapLookup::flush);
  }
}
