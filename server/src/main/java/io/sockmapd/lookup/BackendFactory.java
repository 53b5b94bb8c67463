package io.sockmapd.lookup;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.metrics.DaemonMetrics;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Builds the {@link LookupBackend} for a configuration. The daemon, {@code sockmapd query} and
 * {@code sockmapd check} all go through this one seam, so tests can supply in-memory maps.
 *
 * <p>A backend that has caches also implements {@link CacheControl}; the control socket then
 * flushes them.
 */
@FunctionalInterface
public interface BackendFactory {

  /**
   * Builds the maps of {@code config}. Must not block on the network: connections are made lazily
   * or in the background.
   *
   * @throws ConfigException when the configuration can't be served (every problem at once)
   */
  LookupBackend create(Vertx vertx, SockmapdConfig config) throws ConfigException;

  /**
   * As {@link #create(Vertx, SockmapdConfig)}, with the maps, caches and databases reporting to
   * {@code metrics}; the default reports nothing.
   */
  default LookupBackend create(Vertx vertx, SockmapdConfig config, DaemonMetrics metrics)
      throws ConfigException {
    return create(vertx, config);
  }

  /**
   * What keeps the daemon's caches true to their databases across reloads; the default keeps none
   * (caches last their TTL).
   */
  default CacheInvalidation invalidation(Vertx vertx, DaemonMetrics metrics) {
    return CacheInvalidation.NONE;
  }

  /**
   * Checks what a config file alone can't show (databases reachable, queries prepare) for {@code
   * sockmapd check}, building whatever it needs itself: {@code check} builds no other backend.
   * Completes with the problems found; exceptionally only with a {@link ConfigException} when the
   * configuration can't be served at all (as {@link #create} would throw). The default finds none.
   */
  default CompletionStage<List<ConfigProblem>> check(Vertx vertx, SockmapdConfig config) {
    return CompletableFuture.completedFuture(List.of());
  }
}
