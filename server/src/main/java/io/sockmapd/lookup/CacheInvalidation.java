package io.sockmapd.lookup;

import io.sockmapd.config.SockmapdConfig;
import java.util.Set;

/**
 * Keeps the caches of the backend serving now true to their databases (PostgreSQL's {@code
 * LISTEN}), across reloads: what listens for a map outlives the backend its cache belongs to when a
 * reload keeps that cache, so no change is missed in between.
 */
public interface CacheInvalidation {
  /** Nothing listens: caches keep their answers for their TTL. */
  CacheInvalidation NONE =
      new CacheInvalidation() {
        @Override
        public void follow(SockmapdConfig config, LookupBackend backend, Set<String> keptMaps) {
          // nothing listens
        }

        @Override
        public void settled() {
          // nothing listens
        }

        @Override
        public void close() {
          // nothing listens
        }
      };

  /**
   * {@code backend}, built for {@code config}, serves from now on. Called before the answers of the
   * caches in {@code keptMaps} are copied into it; what listens for a kept map stays, the rest is
   * started or stopped. Must not block.
   */
  void follow(SockmapdConfig config, LookupBackend backend, Set<String> keptMaps);

  /** The kept caches' answers have been copied: the replaced caches are no longer needed. */
  void settled();

  /** Stops listening. */
  void close();
}
