package io.sockmapd.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.CacheConfig;
import io.sockmapd.config.MapConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class MapCachesTest {
  private static final CacheConfig CACHE =
      new CacheConfig(Duration.ofMinutes(1), Duration.ofMinutes(1), 100, Duration.ZERO);

  private final ScriptedMap users = new ScriptedMap().answer("a", LookupResult.found("u"));
  private final ScriptedMap domains = new ScriptedMap().answer("a", LookupResult.found("d"));
  private final ScriptedMap plain = new ScriptedMap().answer("a", LookupResult.found("p"));

  private final MapCaches caches =
      MapCaches.wrap(
          Map.of("users", users, "domains", domains, "plain", plain, "unconfigured", plain),
          Map.of(
              "users", config("users", CACHE),
              "domains", config("domains", CACHE),
              "plain", config("plain", null)),
          new ManualTicker());

  private static MapConfig config(String name, @Nullable CacheConfig cache) {
    return new MapConfig(
        name, "db", "SELECT 1", "%s", List.of(), 0, true, "", List.of(), cache, true, List.of());
  }

  private void lookupEverywhere() {
    caches.maps().values().forEach(map -> map.lookup("a"));
  }

  @Test
  void wrapsOnlyMapsWithACache() {
    assertThat(caches.cachedMaps()).containsExactlyInAnyOrder("users", "domains");
    assertThat(caches.maps()).containsOnlyKeys("users", "domains", "plain", "unconfigured");
    assertThat(caches.maps().get("users")).isInstanceOf(CachedMapLookup.class);
    MapLookup plainMap = caches.maps().get("plain");
    assertThat(plainMap).isSameAs(plain);
    assertThat(caches.maps().get("unconfigured")).isSameAs(plain);
  }

  @Test
  void flushOfOneMapLeavesTheOthersCached() {
    lookupEverywhere();
    lookupEverywhere();
    assertThat(users.calls("a")).isEqualTo(1);

    assertThat(caches.flush("users")).isTrue();
    lookupEverywhere();

    assertThat(users.calls("a")).isEqualTo(2);
    assertThat(domains.calls("a")).isEqualTo(1);
  }

  @Test
  void flushOfAMapWithoutCacheSaysSo() {
    assertThat(caches.flush("plain")).isFalse();
    assertThat(caches.flush("nosuchmap")).isFalse();
  }

  @Test
  void flushAllDropsEveryCache() {
    lookupEverywhere();

    caches.flushAll();
    lookupEverywhere();

    assertThat(users.calls("a")).isEqualTo(2);
    assertThat(domains.calls("a")).isEqualTo(2);
  }
}
