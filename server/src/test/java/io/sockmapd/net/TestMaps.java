package io.sockmapd.net;

import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/** In-memory maps for server tests. */
public final class TestMaps {
  private TestMaps() {}

  /** Answers from a fixed table: found or not found. */
  public static MapLookup fixed(Map<String, String> entries) {
    return key -> {
      String value = entries.get(key);
      return CompletableFuture.completedFuture(
          value == null ? LookupResult.notFound() : LookupResult.found(value));
    };
  }

  /** Answers {@code key=<key>}, so a test sees exactly which key arrived. */
  public static final class Echo implements MapLookup {
    public final List<String> keys = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<LookupResult> lookup(String key) {
      keys.add(key);
      return CompletableFuture.completedFuture(LookupResult.found("key=" + key));
    }
  }

  /**
   * Answers {@code v<key>} after a delay chosen per key, on another thread, so lookups complete out
   * of order. Records how many lookups ran at once.
   */
  public static final class Delayed implements MapLookup {
    private final ToLongFunction<String> delayMillis;
    private final AtomicInteger running = new AtomicInteger();
    public final AtomicInteger maxRunning = new AtomicInteger();
    public final AtomicInteger calls = new AtomicInteger();

    public Delayed(ToLongFunction<String> delayMillis) {
      this.delayMillis = delayMillis;
    }

    @Override
    public CompletableFuture<LookupResult> lookup(String key) {
      calls.incrementAndGet();
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      Executor later =
          CompletableFuture.delayedExecutor(delayMillis.applyAsLong(key), TimeUnit.MILLISECONDS);
      return CompletableFuture.supplyAsync(
          () -> {
            running.decrementAndGet();
            return LookupResult.found("v" + key);
          },
          later);
    }
  }

  /** Records flushes; map "users" has a cache, others have none. */
  public static final class RecordingCacheControl implements CacheControl {
    public final List<String> flushed = new CopyOnWriteArrayList<>();

    @Override
    public Set<String> cachedMaps() {
      return Set.of("users");
    }

    @Override
    public boolean flush(String mapName) {
      if (!cachedMaps().contains(mapName)) {
        return false;
      }
      flushed.add(mapName);
      return true;
    }

    @Override
    public void flushAll() {
      flushed.add("*");
    }
  }
}
