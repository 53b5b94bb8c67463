package io.sockmapd.cache;

/**
 * Estimates what one cache entry costs in heap bytes, so a cache can be bounded by memory: counting
 * entries alone let a few thousand long keys exhaust a small heap.
 *
 * <p>Written here rather than measured with a library (JOL and the like need an agent or internal
 * access at run time); an estimate that is right to within a few tens of bytes is all a bound
 * needs.
 */
final class EntryWeigher {
  /**
   * Per entry, besides the key and value characters: Caffeine's node with its expiry fields, its
   * hash table slot and frequency sketch share, the entry record, the lookup result and its
   * completed stage, and the headers of the two strings and their arrays.
   */
  static final int OVERHEAD_BYTES = 240;

  private EntryWeigher() {}

  /** Estimated heap bytes of an entry keyed by {@code key} holding {@code value}. */
  static long estimate(String key, String value) {
    return OVERHEAD_BYTES + characterBytes(key) + characterBytes(value);
  }

  /**
   * Compact strings keep Latin-1 text at one byte a character and anything else at two. Checking
   * costs a pass over the string, as hashing it for the lookup already did.
   */
  static long characterBytes(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xFF) {
        return 2L * s.length();
      }
    }
    return s.length();
  }
}
