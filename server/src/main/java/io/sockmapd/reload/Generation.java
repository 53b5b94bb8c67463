package io.sockmapd.reload;

import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.lookup.PolicyLookup;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The backend of one loaded configuration, with its maps wrapped to count the lookups running on
 * them, so that a reload closes it only once they are done.
 *
 * <p>A lookup that reaches a map of a generation already {@linkplain #retire retired} (it found the
 * map just before the swap) is passed to the map of that name now serving, so it never runs on a
 * backend that may be closing.
 */
final class Generation {
  private final SockmapdConfig config;
  private final LookupBackend backend;
  private final Map<String, MapLookup> maps;
  private final Map<String, PolicyLookup> policies;
  private final MapRegistry serving;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final AtomicReference<@Nullable CompletionStage<Void>> closing = new AtomicReference<>();
  private volatile boolean retired;

  /**
   * @param serving the maps serving now, where lookups go once this generation is retired
   */
  Generation(SockmapdConfig config, LookupBackend backend, MapRegistry serving) {
    this.config = config;
    this.backend = backend;
    this.serving = serving;
    Map<String, MapLookup> counted = new LinkedHashMap<>();
    backend.maps().forEach((name, map) -> counted.put(name, counted(name, map)));
    this.maps = Collections.unmodifiableMap(counted);
    Map<String, PolicyLookup> countedPolicies = new LinkedHashMap<>();
    backend.policies().forEach((name, p) -> countedPolicies.put(name, countedPolicy(name, p)));
    this.policies = Collections.unmodifiableMap(countedPolicies);
  }

  SockmapdConfig config() {
    return config;
  }

  LookupBackend backend() {
    return backend;
  }

  /**
   * Closes the backend once, however often it is asked: after its drain, and at shutdown if that
   * comes first.
   */
  CompletionStage<Void> close(Duration timeout) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletionStage<Void> first = closing.compareAndExchange(null, mine);
    if (first != null) {
      return first;
    }
    backend
        .close(timeout)
        .whenComplete(
            (v, failure) -> {
              if (failure != null) {
                mine.completeExceptionally(failure);
              } else {
                mine.complete(null);
              }
            });
    return mine;
  }

  /** The backend's maps, each counting its lookups in flight. */
  Map<String, MapLookup> maps() {
    return maps;
  }

  /** The backend's policies, each counting its requests in flight as the maps do. */
  Map<String, PolicyLookup> policies() {
    return policies;
  }

  /**
   * No new lookup starts here from now on.
   *
   * @return completes once the lookups still running here are done
   */
  CompletableFuture<Void> retire() {
    retired = true;
    if (inFlight.get() == 0) {
      drained.complete(null);
    }
    return drained;
  }

  private MapLookup counted(String name, MapLookup map) {
    return key -> {
      if (!enter()) {
        MapLookup current = serving.find(name);
        return current == null
            ? CompletableFuture.completedFuture(LookupResult.perm("unknown map " + name))
            : current.lookup(key);
      }
      return countedWork(() -> map.lookup(key));
    };
  }

  private PolicyLookup countedPolicy(String name, PolicyLookup policy) {
    return request -> {
      if (!enter()) {
        PolicyLookup current = serving.findPolicy(name);
        if (current == null) {
          // The new file has no such policy, so no listener asks it any more: this request came
          // in just before the swap. Nothing safe to run it on.
          return CompletableFuture.failedFuture(
              new IllegalStateException("policy " + name + " was removed by a reload"));
        }
        return current.decide(request);
      }
      return countedWork(() -> policy.decide(request));
    };
  }

  /**
   * Runs {@code work}, already counted in by {@link #enter}, and counts it out when its stage
   * completes, or at once when it throws or returns no stage (the dispatcher answers those as the
   * bugs they are).
   */
  private <T> @Nullable CompletionStage<T> countedWork(Supplier<CompletionStage<T>> work) {
    CompletionStage<T> stage;
    try {
      stage = work.get();
    } catch (RuntimeException e) {
      exit();
      throw e;
    }
    if (stage == null) {
      exit();
      return null;
    }
    return stage.whenComplete((result, failure) -> exit());
  }

  /**
   * Counts a lookup in, unless the generation is retired. The count goes up before the flag is
   * read, and {@link #retire} sets the flag before it reads the count: one of the two always sees
   * the other, so a lookup never starts on a backend that was found drained.
   */
  private boolean enter() {
    inFlight.incrementAndGet();
    if (retired) {
      exit();
      return false;
    }
    return true;
  }

  private void exit() {
    if (inFlight.decrementAndGet() == 0 && retired) {
      drained.complete(null);
    }
  }
}
