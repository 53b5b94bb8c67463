package io.sockmapd.reload;

import io.sockmapd.cache.CachedMapLookup;
import io.sockmapd.cache.CachingBackend;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.CacheInvalidation;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.lookup.NoCaches;
import io.sockmapd.lookup.PolicyLookup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The backend the daemon serves from: the one of the configuration loaded last. A reload
 * {@linkplain #swap swaps} it whole; the one it replaces closes once the lookups running on it are
 * done, or after its {@code shutdown_timeout}, whichever comes first. Closing this closes them all.
 *
 * <p>Flushes go to the caches serving now; a flush and a swap never interleave, so a flush is never
 * lost to answers copied from the old caches.
 */
public final class ServingBackend implements LookupBackend, CacheControl {
  private static final Logger LOG = LogManager.getLogger(ServingBackend.class);

  private final MapRegistry registry = new MapRegistry(Map.of());
  private final Duration closeTimeout;
  private final Set<Generation> retiring = ConcurrentHashMap.newKeySet();
  private final CacheInvalidation invalidation;
  private Generation current;
  private boolean closed;

  /**
   * @param closeTimeout what closing one backend may take
   */
  public ServingBackend(SockmapdConfig config, LookupBackend first, Duration closeTimeout) {
    this(config, first, closeTimeout, CacheInvalidation.NONE);
  }

  /**
   * As above, with the caches of every backend served kept true by {@code invalidation} (told of
   * each swap), which closes with this.
   */
  public ServingBackend(
      SockmapdConfig config,
      LookupBackend first,
      Duration closeTimeout,
      CacheInvalidation invalidation) {
    this.closeTimeout = closeTimeout;
    this.invalidation = invalidation;
    this.current = new Generation(config, first, registry);
    registry.replace(current.maps(), current.policies());
    invalidation.follow(config, first, Set.of());
  }

  /** The maps serving now, which the listeners look names up in. */
  public MapRegistry registry() {
    return registry;
  }

  /** The configuration serving now. */
  public synchronized SockmapdConfig config() {
    return current.config();
  }

  @Override
  public synchronized Map<String, MapLookup> maps() {
    return current.maps();
  }

  @Override
  public synchronized Map<String, PolicyLookup> policies() {
    return current.policies();
  }

  /**
   * Serves {@code next} from now on, with the cached answers of the maps in {@code keepCaches}
   * taken over from the backend it replaces, which is retired.
   *
   * @return how many caches were kept; -1 when this backend is closed (the daemon is stopping), in
   *     which case {@code next} is closed instead
   */
  synchronized int swap(SockmapdConfig config, LookupBackend next, Set<String> keepCaches) {
    if (closed) {
      next.close(closeTimeout);
      return -1;
    }
    Generation old = current;
    // Before the answers are copied, so that a change heard meanwhile reaches the new caches.
    invalidation.follow(config, next, keepCaches);
    int kept = keepCaches(old.backend(), next, keepCaches);
    invalidation.settled();
    current = new Generation(config, next, registry);
    registry.replace(current.maps(), current.policies());
    retire(old);
    return kept;
  }

  private static int keepCaches(LookupBackend old, LookupBackend next, Set<String> maps) {
    if (!(old instanceof CachingBackend before) || !(next instanceof CachingBackend after)) {
      return 0;
    }
    int kept = 0;
    for (String map : maps) {
      CachedMapLookup previous = before.cache(map);
      CachedMapLookup fresh = after.cache(map);
      if (previous != null && fresh != null) {
        fresh.keepEntriesOf(previous);
        kept++;
      }
    }
    return kept;
  }

  @SuppressWarnings("FutureReturnValueIgnored") // the last stage logs the outcome itself
  private void retire(Generation old) {
    retiring.add(old);
    Duration drainLimit = old.config().shutdownTimeout();
    old.retire()
        .completeOnTimeout(null, drainLimit.toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(drained -> old.close(closeTimeout))
        .whenComplete(
            (closedOld, failure) -> {
              retiring.remove(old);
              if (failure != null) {
                LOG.warn(
                    "closing the previous configuration's maps failed: {}", failure.toString());
              } else {
                LOG.info("closed the previous configuration's maps");
              }
            });
  }

  @Override
  public CompletionStage<Void> close(Duration timeout) {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    synchronized (this) {
      closed = true;
      invalidation.close();
      closing.add(current.close(timeout).toCompletableFuture());
    }
    for (Generation old : retiring) {
      closing.add(old.close(timeout).toCompletableFuture());
    }
    return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
  }

  @Override
  public synchronized boolean flush(String mapName) {
    return NoCaches.of(current.backend()).flush(mapName);
  }

  @Override
  public synchronized void flushAll() {
    NoCaches.of(current.backend()).flushAll();
  }
}
