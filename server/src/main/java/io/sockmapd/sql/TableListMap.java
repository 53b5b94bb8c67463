package io.sockmapd.sql;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.lookup.InternalErrors;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Postfix table list ({@code virtual_alias_maps = pgsql:a.cf, pgsql:b.cf, pgsql:c.cf}) as one
 * map. Postfix searches a list form by form ({@code mail_addr_find} calling {@code maps_find} once
 * per key form): every table for {@code user+ext@domain}, then every table for {@code user@domain},
 * then every table for {@code @domain}; within a form the first table that answers wins, and a
 * table that fails ends the search with its error. One socketmap per table with its own fallback
 * keys would try {@code @domain} in the first table before the second ever sees the full key, so a
 * catch-all could win over an alias-domain mapping: this map keeps Postfix's order.
 *
 * <p>The tables are composed, not merged: each is a {@link MapLookup} of its own (its own database,
 * query, result format and domain filter) asked for exactly one key form. The forms of the list
 * come from its {@link KeyPolicy}. For each form every table is asked at once (one round trip per
 * form reached, not one per form and table), and the answers are then taken in table order; the
 * next form is asked only when all tables said "not found", so a key found by its full form costs
 * one statement per table and no more.
 */
public final class TableListMap implements MapLookup {
  private final String name;
  private final KeyPolicy policy;
  private final List<MapLookup> tables;

  /**
   * @param policy the forms of the list (case folding, fallback keys); the tables' own domain
   *     filters are theirs
   * @param tables in Postfix's list order, each answering only the key it is given
   */
  public TableListMap(String name, KeyPolicy policy, List<? extends MapLookup> tables) {
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("a table list needs at least one table");
    }
    this.name = name;
    this.policy = policy;
    this.tables = List.copyOf(tables);
  }

  @Override
  public CompletionStage<LookupResult> lookup(String key) {
    List<String> forms;
    try {
      forms = policy.forms(key);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(InternalErrors.answer(name, "key forms", e));
    }
    return tryForm(forms, 0);
  }

  private CompletionStage<LookupResult> tryForm(List<String> forms, int index) {
    if (index >= forms.size()) {
      return CompletableFuture.completedFuture(LookupResult.notFound());
    }
    String form = forms.get(index);
    List<CompletableFuture<LookupResult>> answers = new ArrayList<>(tables.size());
    for (MapLookup table : tables) {
      answers.add(ask(table, form));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenCompose(
            done -> {
              for (CompletableFuture<LookupResult> answer : answers) {
                LookupResult result = answer.join(); // complete: allOf has finished
                if (result.status() != SocketmapStatus.NOTFOUND) {
                  return CompletableFuture.completedFuture(result);
                }
              }
              return tryForm(forms, index + 1);
            });
  }

  /** One table's answer for one form; a table that breaks its contract answers TEMP. */
  private CompletableFuture<LookupResult> ask(MapLookup table, String form) {
    CompletionStage<LookupResult> stage;
    try {
      stage = table.lookup(form);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage
        .toCompletableFuture()
        .exceptionally(e -> InternalErrors.answer(name, "a table", e));
  }
}
