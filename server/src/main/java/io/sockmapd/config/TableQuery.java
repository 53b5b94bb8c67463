package io.sockmapd.config;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds the query of a map given as a table and column names instead of SQL (the {@code table},
 * {@code key}, {@code value}, {@code reason} form of ezplanet/sockmapd, also accepted in our own
 * format). The names are pasted into SQL, so each must be a plain identifier: this is where
 * ezplanet/sockmapd lets configuration text (and its own key) inject SQL. The key itself is always
 * the bound {@code %s} expansion.
 */
public final class TableQuery {
  /** A column or table name, optionally qualified by one schema name. */
  public static final Pattern IDENTIFIER =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  private TableQuery() {}

  /** Null when {@code name} may be used as a table or column name, else why not. */
  public static @Nullable String identifierProblem(String name) {
    if (IDENTIFIER.matcher(name).matches()) {
      return null;
    }
    return "must be a plain SQL name (letters, digits, '_', optionally schema.name), got \""
        + (name.length() > 60 ? name.substring(0, 57) + "..." : name)
        + "\"";
  }

  /**
   * The query for one map. Every name must have passed {@link #identifierProblem}.
   *
   * @param table the table looked in
   * @param key the column compared with the lookup key
   * @param value the column answered; null answers the key column itself (a presence check)
   * @param reason a column appended to the value after one space when it is neither NULL nor empty,
   *     as ezplanet/sockmapd does; needs {@code value}
   */
  public static String build(
      String table, String key, @Nullable String value, @Nullable String reason) {
    for (String name : new String[] {table, key, value, reason}) {
      if (name != null && identifierProblem(name) != null) {
        throw new IllegalArgumentException("not a plain SQL name: " + name);
      }
    }
    if (reason != null && value == null) {
      throw new IllegalArgumentException("reason needs value");
    }
    // CONCAT_WS skips NULLs; NULLIF also drops an empty reason so no trailing space is added.
    // CONCAT_WS and NULLIF exist in PostgreSQL, MySQL/MariaDB and SQLite >= 3.44.
    String selected =
        value == null
            ? key
            : reason == null ? value : "CONCAT_WS(' ', " + value + ", NULLIF(" + reason + ", ''))";
    return "SELECT " + selected + " FROM " + table + " WHERE " + key + " = '%s'";
  }
}
