package io.sockmapd.lookup;

import java.util.Set;

/** Lets an administrator drop cached answers without a restart. */
public interface CacheControl {

  /** Names of the maps that have a cache. */
  Set<String> cachedMaps();

  /**
   * Drops every cached answer of one map.
   *
   * @return false when no map of that name has a cache
   */
  boolean flush(String mapName);

  /** Drops every cached answer of every map. */
  void flushAll();
}
