package io.sockmapd.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.sockmapd.config.CacheConfig;
import io.sockmapd.config.MapConfig;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.metrics.DaemonMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The maps of one backend with a {@link CachedMapLookup} put in front of every map whose
 * configuration has a {@code cache}, plus the {@link CacheControl} that flushes those caches.
 * Immutable; build one per loaded configuration with {@link #wrap}.
 */
public final class MapCaches implements CacheControl {
  private static final Logger LOG = LogManager.getLogger(MapCaches.class);

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
    return wrap(maps, configs, DaemonMetrics.NONE);
  }

  /** As {@link #wrap(Map, Map)}, each cache reporting its statistics to {@code metrics}. */
  public static MapCaches wrap(
      Map<String, MapLookup> maps, Map<String, MapConfig> configs, DaemonMetrics metrics) {
    return wrap(maps, configs, Ticker.systemTicker(), CacheBudget.defaultTotal(), metrics);
  }

  /** As {@link #wrap(Map, Map)}, with the clock every cache reads (tests drive it by hand). */
  public static MapCaches wrap(
      Map<String, MapLookup> maps, Map<String, MapConfig> configs, Ticker ticker) {
    return wrap(maps, configs, ticker, CacheBudget.defaultTotal());
  }

  /**
   * As {@link #wrap(Map, Map, Ticker)}, with the memory that the caches without their own {@code
   * max_bytes} share between them.
   */
  static MapCaches wrap(
      Map<String, MapLookup> maps,
      Map<String, MapConfig> configs,
      Ticker ticker,
      long sharedBudgetBytes) {
    return wrap(maps, configs, ticker, sharedBudgetBytes, DaemonMetrics.NONE);
  }

  private static MapCaches wrap(
      Map<String, MapLookup> maps,
      Map<String, MapConfig> configs,
      Ticker ticker,
      long sharedBudgetBytes,
      DaemonMetrics metrics) {
    int sharing = 0;
    for (String name : maps.keySet()) {
      CacheConfig cacheConfig = cacheConfig(configs, name);
      if (cacheConfig != null && cacheConfig.maxBytes() == CacheConfig.SHARED_BUDGET) {
        sharing++;
      }
    }
    long share = CacheBudget.share(sharedBudgetBytes, sharing);
    Map<String, MapLookup> wrapped = new LinkedHashMap<>();
    Map<String, CachedMapLookup> caches = new LinkedHashMap<>();
    maps.forEach(
        (name, map) -> {
          CacheConfig cacheConfig = cacheConfig(configs, name);
          if (cacheConfig == null) {
            wrapped.put(name, map);
          } else {
            long maxBytes =
                cacheConfig.maxBytes() == CacheConfig.SHARED_BUDGET
                    ? share
                    : cacheConfig.maxBytes();
            CachedMapLookup cached =
                new CachedMapLookup(name, map, cacheConfig, maxBytes, ticker, metrics);
            LOG.info(
                "map {}: cache of up to {} entries and {} KiB{}",
                name,
                cacheConfig.maxEntries(),
                maxBytes / 1024,
                cacheConfig.maxBytes() == CacheConfig.SHARED_BUDGET
                    ? " (a share of the default budget, " + sharedBudgetBytes / 1024 + " KiB)"
                    : "");
            caches.put(name, cached);
            wrapped.put(name, cached);
          }
        });
    return new MapCaches(wrapped, caches);
  }

  private static @Nullable CacheConfig cacheConfig(Map<String, MapConfig> configs, String name) {
    MapConfig config = configs.get(name);
    return config == null ? null : config.cache();
  }

  /** The maps to serve: cached ones wrapped, the rest as given. */
  public Map<String, MapLookup> maps() {
    return maps;
  }

  /** The cache in front of one map, or null when that map has none. */
  public @Nullable CachedMapLookup cache(String mapName) {
    return caches.get(mapName);
  }

  /** Names of the maps that have a cache. */
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
