package io.sockmapd.cache;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Drops what one map's cache holds for the keys its database says have changed.
 *
 * <p>The cache keeps keys as clients sent them, while a table row has one stored key: a changed row
 * {@code alice@example.com} makes stale the cached {@code Alice+News@Example.COM} (folded,
 * extension stripped) and, through the {@code @domain} fallback, a row {@code @example.com} every
 * cached key of that domain. So a changed key is folded as the map folds, and a cached key is
 * dropped when any of the map's forms of it ({@link KeyForms}) is a changed key. That needs a visit
 * of every cached key; it runs on {@code executor}, never on the thread that hears the change, and
 * the changes that arrive meanwhile are dropped together in one visit.
 *
 * <p>The caller's thread only marks the cache ({@link CachedMapLookup#invalidating()}), so that a
 * lookup already running, which may have read the row before it changed, does not keep its answer.
 *
 * <p>After a reload the map's new cache takes over the old one's answers; from {@link #retarget}
 * until {@link #settled} both are dropped from, so a change heard while the answers are being
 * copied is not lost.
 */
public final class KeyInvalidation {
  private static final Logger LOG = LogManager.getLogger(KeyInvalidation.class);

  /**
   * Beyond this many changed keys in one visit (a bulk update), the whole map is flushed: cheaper
   * than tracing each, and as correct.
   */
  static final int MAX_KEYS_PER_VISIT = 1000;

  private final String mapName;
  private final KeyForms forms;
  private final Executor executor;

  private final Object lock = new Object();
  private Set<String> pendingKeys = new HashSet<>();
  private boolean pendingAll;
  private List<Runnable> afterwards = new ArrayList<>();
  private boolean scheduled;
  private CachedMapLookup current;
  private @Nullable CachedMapLookup previous;

  /**
   * @param executor where the drops run (one visit at a time is enough; they queue here)
   */
  public KeyInvalidation(String mapName, CachedMapLookup cache, KeyForms forms, Executor executor) {
    this.mapName = Objects.requireNonNull(mapName, "mapName");
    this.current = Objects.requireNonNull(cache, "cache");
    this.forms = Objects.requireNonNull(forms, "forms");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** From now on drops go to {@code next} as well as to the cache it replaces. */
  public void retarget(CachedMapLookup next) {
    synchronized (lock) {
      if (next != current) {
        previous = current;
        current = next;
      }
    }
  }

  /** The answers have been copied into the new cache: the old one is left to go. */
  public void settled() {
    synchronized (lock) {
      previous = null;
    }
  }

  /** The key of a changed row: its cached answers go. Cheap; the drop runs on the executor. */
  public void keyChanged(String storedKey) {
    synchronized (lock) {
      marked();
      if (!pendingAll) {
        pendingKeys.add(forms.fold(storedKey));
        if (pendingKeys.size() > MAX_KEYS_PER_VISIT) {
          pendingAll = true;
          pendingKeys = new HashSet<>();
        }
      }
      schedule();
    }
  }

  /** The whole map may have changed (or changes may have been missed): every answer goes. */
  public void allChanged() {
    allChanged(() -> {});
  }

  /** As {@link #allChanged()}, running {@code done} on the executor once the answers are gone. */
  public void allChanged(Runnable done) {
    synchronized (lock) {
      afterwards.add(done);
      marked();
      pendingAll = true;
      pendingKeys = new HashSet<>();
      schedule();
    }
  }

  private void marked() {
    current.invalidating();
    if (previous != null) {
      previous.invalidating();
    }
  }

  private void schedule() {
    if (!scheduled) {
      scheduled = true;
      executor.execute(this::visit);
    }
  }

  private void visit() {
    Set<String> keys;
    boolean all;
    List<CachedMapLookup> caches;
    List<Runnable> done;
    synchronized (lock) {
      done = afterwards;
      afterwards = new ArrayList<>();
      keys = pendingKeys;
      all = pendingAll;
      pendingKeys = new HashSet<>();
      pendingAll = false;
      scheduled = false;
      // The old cache first: its answers may be being copied into the new one.
      caches = previous == null ? List.of(current) : List.of(previous, current);
    }
    try {
      if (all) {
        caches.forEach(CachedMapLookup::flush);
        LOG.debug("map {}: cache flushed on the database's word", mapName);
      } else if (!keys.isEmpty()) {
        int dropped = 0;
        for (CachedMapLookup cache : caches) {
          dropped += cache.drop(key -> stale(key, keys));
        }
        LOG.debug(
            "map {}: {} changed keys dropped {} cached answers", mapName, keys.size(), dropped);
      }
    } catch (RuntimeException e) {
      // Never leave answers that may be stale behind a bug in a visit.
      LOG.error("map {}: dropping changed keys failed, flushing the cache", mapName, e);
      caches.forEach(CachedMapLookup::flush);
    }
    done.forEach(Runnable::run);
  }

  private boolean stale(String cachedKey, Set<String> changed) {
    for (String form : forms.forms(cachedKey)) {
      if (changed.contains(form)) {
        return true;
      }
    }
    return false;
  }
}
