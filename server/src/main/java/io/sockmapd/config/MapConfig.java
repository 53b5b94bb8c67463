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
 * @param foldCase lower-case the key before querying, as Postfix's SQL tables do
 * @param recipientDelimiter characters that start an address extension ({@code user+ext}); empty
 *     for none
 * @param fallbackKeys extra key forms tried after the full key, in order, first hit wins
 * @param cache the map's cache, or null for none
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
    @Nullable CacheConfig cache) {

  public MapConfig {
    domain = List.copyOf(domain);
    fallbackKeys = List.copyOf(fallbackKeys);
  }
}
