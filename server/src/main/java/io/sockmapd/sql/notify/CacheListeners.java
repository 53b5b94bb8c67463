package io.sockmapd.sql.notify;

import io.sockmapd.cache.CachedMapLookup;
import io.sockmapd.cache.CachingBackend;
import io.sockmapd.cache.KeyInvalidation;
import io.sockmapd.config.CacheConfig;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.CacheInvalidation;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.metrics.DaemonMetrics;
import io.sockmapd.sql.KeyPolicy;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The daemon's {@code LISTEN}s, one per map whose cache has {@code "listen": true}, kept across
 * reloads: a reload that keeps a map's cache keeps its listener (pointed at the new cache), a map
 * changed or removed has its listener stopped, and a new or changed one gets a new listener.
 */
public final class CacheListeners implements CacheInvalidation {
  private record Listening(KeyInvalidation sink, ChannelListener listener) {}

  private final Vertx vertx;
  private final DaemonMetrics metrics;
  private final Map<String, Listening> byMap = new HashMap<>();

  /**
   * Where the cached keys are visited for the changed ones: Vert.x's worker threads, off the event
   * loops; each map has one visit queued at most, and the changes heard meanwhile join it.
   */
  private final Executor visits;

  public CacheListeners(Vertx vertx, DaemonMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.visits =
        task ->
            vertx.executeBlocking(
                () -> {
                  task.run();
                  return null;
                },
                false);
  }

  @Override
  public synchronized void follow(
      SockmapdConfig config, LookupBackend backend, Set<String> keptMaps) {
    Map<String, Listening> next = new HashMap<>();
    if (backend instanceof CachingBackend caching) {
      for (MapConfig map : config.maps().values()) {
        CacheConfig cacheConfig = map.cache();
        CachedMapLookup cache = caching.cache(map.name());
        DatabaseConfig database = config.databases().get(map.database());
        if (cacheConfig == null
            || cacheConfig.listenChannel() == null
            || cache == null
            || database == null
            || database.type() != DatabaseType.POSTGRESQL) {
          continue;
        }
        Listening old = byMap.remove(map.name());
        if (old != null && keptMaps.contains(map.name())) {
          old.sink().retarget(cache);
          next.put(map.name(), old);
          continue;
        }
        if (old != null) {
          old.listener().stop(false);
        }
        KeyInvalidation sink = new KeyInvalidation(map.name(), cache, KeyPolicy.of(map), visits);
        ChannelListener listener =
            new ChannelListener(
                vertx, map.name(), database, cacheConfig.listenChannel(), sink, metrics);
        listener.start();
        next.put(map.name(), new Listening(sink, listener));
      }
    }
    byMap.values().forEach(gone -> gone.listener().stop(true));
    byMap.clear();
    byMap.putAll(next);
  }

  @Override
  public synchronized void settled() {
    byMap.values().forEach(listening -> listening.sink().settled());
  }

  @Override
  public synchronized void close() {
    byMap.values().forEach(listening -> listening.listener().stop(true));
    byMap.clear();
  }
}
