package io.sockmapd.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.CacheConfig;
import io.sockmapd.config.FallbackKey;
import io.sockmapd.config.MapConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.KeyPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A changed stored key drops exactly the cached client keys whose forms lead to it: folded, with
 * the extension stripped, through the {@code @domain} fallback; and nothing else.
 */
class KeyInvalidationTest {
  private static final CacheConfig CACHE =
      new CacheConfig(Duration.ofHours(1), Duration.ofHours(1), 10_000, Duration.ZERO);

  /** A map as the PostfixAdmin example's aliases: folded, "+" extensions, both fallbacks. */
  private static final MapConfig MAP =
      new MapConfig(
          "virtual",
          "db",
          "SELECT goto FROM alias WHERE address = '%s'",
          "%s",
          List.of(),
          0,
          true,
          "+",
          List.of(FallbackKey.USER_AT_DOMAIN, FallbackKey.AT_DOMAIN),
          CACHE,
          true,
          List.of());

  private final ScriptedMap database = new ScriptedMap();
  private final CachedMapLookup cache =
      new CachedMapLookup("virtual", database, CACHE, new ManualTicker());

  /** Drops run at once, on the test's thread. */
  private final KeyInvalidation invalidation =
      new KeyInvalidation("virtual", cache, KeyPolicy.of(MAP), Runnable::run);

  private static final List<String> KEYS =
      List.of(
          "Alice+News@Example.COM",
          "alice@example.com",
          "bob@example.com",
          "carol@other.example",
          "alice@other.example");

  private void cacheAll() {
    for (String key : KEYS) {
      database.answer(key, LookupResult.found("v"));
      cache.lookup(key);
    }
  }

  /** The keys the cache answered without asking the database again. */
  private List<String> stillCached() {
    return KEYS.stream()
        .filter(
            key -> {
              int before = database.calls(key);
              cache.lookup(key);
              return database.calls(key) == before;
            })
        .toList();
  }

  @Test
  void aChangedAddressDropsEveryFormThatLeadsToIt() {
    cacheAll();
    invalidation.keyChanged("ALICE@Example.com");
    assertThat(stillCached())
        .containsExactly("bob@example.com", "carol@other.example", "alice@other.example");
  }

  @Test
  void aChangedCatchAllDropsTheKeysOfItsDomain() {
    cacheAll();
    invalidation.keyChanged("@example.com");
    assertThat(stillCached()).containsExactly("carol@other.example", "alice@other.example");
  }

  @Test
  void anUnknownKeyDropsNothing() {
    cacheAll();
    invalidation.keyChanged("dave@example.com");
    assertThat(stillCached()).containsExactlyElementsOf(KEYS);
  }

  @Test
  void manyChangesAtOnceFlushTheMap() {
    cacheAll();
    // Queued without a visit in between: the executor holds them back.
    List<Runnable> queued = new java.util.ArrayList<>();
    KeyInvalidation held = new KeyInvalidation("virtual", cache, KeyPolicy.of(MAP), queued::add);
    for (int i = 0; i <= KeyInvalidation.MAX_KEYS_PER_VISIT; i++) {
      held.keyChanged("nobody" + i + "@nowhere.example");
    }
    assertThat(queued).hasSize(1);
    queued.get(0).run();
    assertThat(stillCached()).isEmpty();
  }

  @Test
  void aLookupRunningAcrossAChangeDoesNotKeepItsAnswer() {
    database.hold("bob@example.com");
    CompletionStage<LookupResult> running = cache.lookup("bob@example.com");
    invalidation.keyChanged("carol@other.example"); // any change: the answer may be older
    database.completeNext("bob@example.com", LookupResult.found("old"));
    assertThat(running.toCompletableFuture().join()).isEqualTo(LookupResult.found("old"));
    database.answer("bob@example.com", LookupResult.found("new"));
    assertThat(cache.lookup("bob@example.com").toCompletableFuture().join())
        .isEqualTo(LookupResult.found("new"));
  }

  @Test
  void afterARetargetBothCachesAreDroppedFromUntilSettled() {
    cacheAll();
    ScriptedMap database2 = new ScriptedMap();
    database2.answer("bob@example.com", LookupResult.found("v"));
    CachedMapLookup next = new CachedMapLookup("virtual", database2, CACHE, new ManualTicker());
    invalidation.retarget(next);
    next.keepEntriesOf(cache);
    invalidation.keyChanged("bob@example.com");
    next.lookup("bob@example.com");
    assertThat(database2.calls("bob@example.com")).isEqualTo(1);
    assertThat(stillCached()).doesNotContain("bob@example.com");
    invalidation.settled();
    invalidation.keyChanged("carol@other.example");
    // The old cache no longer hears.
    int before = database.calls("carol@other.example");
    cache.lookup("carol@other.example");
    assertThat(database.calls("carol@other.example")).isEqualTo(before);
  }
}
