package io.sockmapd.cache;

/**
 * The memory the caches may take together when their configurations give no {@code max_bytes}: a
 * quarter of the JVM's maximum heap, split evenly between those caches. A daemon-wide budget, so
 * that ten cached maps do not each take the default.
 *
 * <p>A quarter leaves the rest to connections (about 2 KB each when idle), in-flight requests of up
 * to {@code max_request_size} and the database drivers: with the recommended {@code -Xmx64m} the
 * caches get 16 MB, some 55,000 entries of typical 30-character addresses.
 */
public final class CacheBudget {
  /** The share of the maximum heap all default-sized caches take together. */
  static final int HEAP_FRACTION = 4;

  /** No cache gets less than this, however many maps share the budget. */
  static final long MIN_SHARE_BYTES = 256 * 1024;

  /** Used when the heap has no stated maximum. */
  static final long UNBOUNDED_HEAP_BUDGET = 256L * 1024 * 1024;

  private CacheBudget() {}

  /** The default budget for this JVM. */
  public static long defaultTotal() {
    long max = Runtime.getRuntime().maxMemory();
    return max == Long.MAX_VALUE ? UNBOUNDED_HEAP_BUDGET : max / HEAP_FRACTION;
  }

  /** One cache's share of {@code total} when {@code caches} caches split it. */
  static long share(long total, int caches) {
    long share = total / Math.max(1, caches);
    return Math.min(Integer.MAX_VALUE, Math.max(MIN_SHARE_BYTES, share));
  }
}
