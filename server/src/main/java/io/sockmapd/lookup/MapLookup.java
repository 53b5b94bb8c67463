package io.sockmapd.lookup;

import java.util.concurrent.CompletionStage;

/**
 * One named lookup table. Every backend (SQL, cache wrapper, later HTTP) plugs in here.
 *
 * <p>Contract: {@link #lookup} never blocks the calling thread and never completes exceptionally
 * for an expected failure; database outages, deadlines and configuration errors complete normally
 * with {@code TEMP}, {@code TIMEOUT} or {@code PERM}. The stage may complete on any thread; callers
 * hop back to their own executor.
 */
@FunctionalInterface
public interface MapLookup {

  /**
   * Looks up one key as received from the client (not case-folded, may be empty).
   *
   * @param key the key, valid UTF-8 (the caller answers invalid keys itself)
   * @return the outcome
   */
  CompletionStage<LookupResult> lookup(String key);
}
