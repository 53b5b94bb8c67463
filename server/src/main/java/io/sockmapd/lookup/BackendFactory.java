package io.sockmapd.lookup;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.SockmapdConfig;
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
   * Checks what a config file alone can't show (databases reachable, queries prepare) for {@code
   * sockmapd check}. Completes with the problems found, never exceptionally; the default finds
   * none.
   */
  default CompletionStage<List<ConfigProblem>> check(Vertx vertx, SockmapdConfig config) {
    return CompletableFuture.completedFuture(List.of());
  }
}
