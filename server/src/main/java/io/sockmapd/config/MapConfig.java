package io.sockmapd.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One lookup table served under {@link #name()}. Keys follow Postfix's own SQL table parameters
 * (pgsql_table(5), mysql_table(5)) so an administrator can move a map over unchanged.
 *
 * @param name the map name clients send (the last field of Postfix's {@code socketmap:} name, or
 *     Sendmail's {@code K} name)
 * @param database the name of the database it queries
 * @param query SQL with Postfix expansions ({@code %s %u %d %S %U %D %1..%9 %%}); every expansion
 *     becomes a bind parameter
 * @param resultFormat applied to each returned value ({@code %s} by default)
 * @param domain if not empty, only {@code user@domain} keys with one of these domains are queried
 * @param expansionLimit more result values than this is a temporary error; 0 means no limit
 * @param foldCase case-fold the key before querying, as Postfix's SQL tables do
 * @param recipientDelimiter characters that start an address extension ({@code user+ext}); empty
 *     for none
 * @param fallbackKeys extra key forms tried after the full key, in order, first hit wins
 * @param cache the map's cache, or null for none
 * @param smtputf8Enable Postfix's {@code smtputf8_enable} of the clients: with it Postfix folds a
 *     non-ASCII key with Unicode case folding, without it only ASCII letters
 * @param queries empty for a map of one query; otherwise the map is a Postfix table list ({@code
 *     virtual_alias_maps = pgsql:a.cf, pgsql:b.cf}): each element is one table (its {@code
 *     database}, {@code query}, {@code result_format}, {@code domain}, {@code expansion_limit}),
 *     and every key form ({@link #fallbackKeys}) is tried in all of them, in order, before the next
 *     form. This map's own {@code database} is then the first table's and its {@code query} empty.
 * @param http how the map asks its {@code http} database (its {@code query} is then empty); null
 *     for a SQL map
 */
public record MapConfig(
    String name,
    String database,
    String query,
    String resultFormat,
    List<String> domain,
    int expansionLimit,
    boolean foldCase,
    String recipientDelimiter,
    List<FallbackKey> fallbackKeys,
    @Nullable CacheConfig cache,
    boolean smtputf8Enable,
    List<MapConfig> queries,
    @Nullable HttpTarget http) {

  public MapConfig {
    domain = List.copyOf(domain);
    fallbackKeys = List.copyOf(fallbackKeys);
    queries = List.copyOf(queries);
  }

  /** A SQL map. */
  public MapConfig(
      String name,
      String database,
      String query,
      String resultFormat,
      List<String> domain,
      int expansionLimit,
      boolean foldCase,
      String recipientDelimiter,
      List<FallbackKey> fallbackKeys,
      @Nullable CacheConfig cache,
      boolean smtputf8Enable,
      List<MapConfig> queries) {
    this(
        name,
        database,
        query,
        resultFormat,
        domain,
        expansionLimit,
        foldCase,
        recipientDelimiter,
        fallbackKeys,
        cache,
        smtputf8Enable,
        queries,
        null);
  }

  /** True when the map is a list of tables ({@link #queries}) rather than one query. */
  public boolean isTableList() {
    return !queries.isEmpty();
  }
}
