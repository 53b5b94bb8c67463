package io.sockmapd.lookup;

/** Lets an administrator drop cached answers without a restart. */
public interface CacheControl {

  /**
   * Drops every cached answer of one map.
   *
   * @return false when no map of that name has a cache
   */
  boolean flush(String mapName);

  /** Drops every cached answer of every map. */
  void flushAll();
}
