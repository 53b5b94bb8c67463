package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.FallbackKey;
import io.sockmapd.config.MapConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Postfix's search order over a table list: form by form, every table for each form. */
class TableListMapTest {
  private final List<String> asked = new ArrayList<>();

  /** A table answering from fixed rows, recording every key it is asked. */
  private MapLookup table(String name, Map<String, LookupResult> rows) {
    return key -> {
      synchronized (asked) {
        asked.add(name + ":" + key);
      }
      return CompletableFuture.completedFuture(rows.getOrDefault(key, LookupResult.notFound()));
    };
  }

  private static KeyPolicy virtualAliasForms() {
    return KeyPolicy.of(
        new MapConfig(
            "virtual_alias_maps",
            "",
            "",
            "%s",
            List.of(),
            0,
            true,
            "+",
            List.of(FallbackKey.USER_AT_DOMAIN, FallbackKey.AT_DOMAIN),
            null,
            true,
            List.of()));
  }

  private static LookupResult lookup(MapLookup map, String key) throws Exception {
    return map.lookup(key).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aFullKeyInALaterTableWinsOverACatchAllInAnEarlierOne() throws Exception {
    MapLookup aliases =
        table("alias", Map.of("@alias.example", LookupResult.found("catchall@example.com")));
    MapLookup aliasDomains =
        table("alias_domain", Map.of("bob@alias.example", LookupResult.found("bob@example.com")));
    TableListMap list =
        new TableListMap("virtual_alias_maps", virtualAliasForms(), List.of(aliases, aliasDomains));

    assertThat(lookup(list, "Bob@Alias.Example")).isEqualTo(LookupResult.found("bob@example.com"));
    assertThat(asked)
        .containsExactlyInAnyOrder("alias:bob@alias.example", "alias_domain:bob@alias.example");
  }

  @Test
  void formsAreTriedInPostfixsOrderAcrossAllTables() throws Exception {
    MapLookup first = table("a", Map.of("@example.com", LookupResult.found("catchall")));
    MapLookup second = table("b", Map.of("user@example.com", LookupResult.found("user")));
    TableListMap list =
        new TableListMap("virtual_alias_maps", virtualAliasForms(), List.of(first, second));

    assertThat(lookup(list, "user+ext@example.com")).isEqualTo(LookupResult.found("user"));
    assertThat(lookup(list, "other@example.com")).isEqualTo(LookupResult.found("catchall"));
    assertThat(lookup(list, "other@example.org")).isEqualTo(LookupResult.notFound());
  }

  @Test
  void withinAFormTheFirstTableInListOrderWins() throws Exception {
    MapLookup first = table("a", Map.of("x@example.com", LookupResult.found("first")));
    MapLookup second = table("b", Map.of("x@example.com", LookupResult.found("second")));
    TableListMap list =
        new TableListMap("virtual_alias_maps", virtualAliasForms(), List.of(first, second));

    assertThat(lookup(list, "x@example.com")).isEqualTo(LookupResult.found("first"));
  }

  @Test
  void aFailingTableEndsTheSearchUnlessAnEarlierTableAnswered() throws Exception {
    MapLookup first = table("a", Map.of("x@example.com", LookupResult.found("first")));
    MapLookup failing = key -> CompletableFuture.completedFuture(LookupResult.temp("db down"));
    MapLookup third = table("c", Map.of("y@example.com", LookupResult.found("third")));
    TableListMap list =
        new TableListMap("virtual_alias_maps", virtualAliasForms(), List.of(first, failing, third));

    assertThat(lookup(list, "x@example.com")).isEqualTo(LookupResult.found("first"));
    // Postfix stops at the failing table; it never reaches the third, nor a later form.
    assertThat(lookup(list, "y@example.com")).isEqualTo(LookupResult.temp("db down"));
  }

  @Test
  void aTableThatThrowsAnswersTempRatherThanBreakingTheLookup() throws Exception {
    MapLookup broken =
        key -> {
          throw new IllegalStateException("bug");
        };
    TableListMap list =
        new TableListMap("virtual_alias_maps", virtualAliasForms(), List.of(broken));

    assertThat(lookup(list, "x@example.com")).isEqualTo(LookupResult.temp("internal error"));
  }

  @Test
  void theNextFormIsAskedOnlyWhenEveryTableMissed() throws Exception {
    MapLookup first = table("a", Map.of("x@example.com", LookupResult.found("first")));
    MapLookup second = table("b", Map.of());
    TableListMap list =
        new TableListMap("virtual_alias_maps", virtualAliasForms(), List.of(first, second));

    lookup(list, "x@example.com");
    assertThat(asked).containsExactlyInAnyOrder("a:x@example.com", "b:x@example.com");
  }
}
