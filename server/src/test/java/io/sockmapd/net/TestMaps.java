package io.sockmapd.net;

import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/** In-memory maps for server tests. */
public final class TestMaps {
  /**
   * Completes delayed lookups on its own thread. Netty's wheel timer takes new timeouts through a
   * lock-free queue, so scheduling from an event loop doesn't block (a ScheduledThreadPoolExecutor
   * takes a lock, which the blocking-call check rightly flags). Started here, not lazily on the
   * first (event loop) call, because its start waits for the timer thread.
   */
  private static final HashedWheelTimer TIMER = startedTimer();

  private TestMaps() {}

  private static HashedWheelTimer startedTimer() {
    HashedWheelTimer timer =
        new HashedWheelTimer(
            new DefaultThreadFactory("test-map-delay", true), 1, TimeUnit.MILLISECONDS);
    timer.start();
    return timer;
  }

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
      CompletableFuture<LookupResult> result = new CompletableFuture<>();
      TIMER.newTimeout(
          timeout -> {
            running.decrementAndGet();
            result.complete(LookupResult.found("v" + key));
          },
          delayMillis.applyAsLong(key),
          TimeUnit.MILLISECONDS);
      return result;
    }
  }

  /** Records flushes; map "users" has a cache, others have none. */
  public static final class RecordingCacheControl implements CacheControl {
    public final List<String> flushed = new CopyOnWriteArrayList<>();

    @Override
    public boolean flush(String mapName) {
      if (!mapName.equals("users")) {
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
