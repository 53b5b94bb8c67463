package io.sockmapd.cache;

import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A map whose answers the test decides: either a standing answer per key (completed at once) or,
 * when none is set, a pending lookup the test completes by hand with {@link #completeNext}.
 */
final class ScriptedMap implements MapLookup {
  private final Map<String, LookupResult> standing = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Deque<Pending> pending = new ArrayDeque<>();

  private record Pending(String key, CompletableFuture<LookupResult> future) {}

  /** From now on, answers {@code key} with {@code result} immediately. */
  ScriptedMap answer(String key, LookupResult result) {
    standing.put(key, result);
    return this;
  }

  /** From now on, leaves lookups of {@code key} pending until {@link #completeNext}. */
  ScriptedMap hold(String key) {
    standing.remove(key);
    return this;
  }

  @Override
  public CompletionStage<LookupResult> lookup(String key) {
    calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    LookupResult result = standing.get(key);
    if (result != null) {
      return CompletableFuture.completedFuture(result);
    }
    CompletableFuture<LookupResult> future = new CompletableFuture<>();
    synchronized (pending) {
      pending.add(new Pending(key, future));
    }
    return future;
  }

  /** Completes the oldest pending lookup of {@code key}. */
  void completeNext(String key, LookupResult result) {
    @Nullable Pending next;
    synchronized (pending) {
      next = pending.stream().filter(p -> p.key().equals(key)).findFirst().orElse(null);
      if (next != null) {
        pending.remove(next);
      }
    }
    if (next == null) {
      throw new AssertionError("no pending lookup of " + key);
    }
    next.future().complete(result);
  }

  int calls(String key) {
    AtomicInteger n = calls.get(key);
    return n == null ? 0 : n.get();
  }
}
