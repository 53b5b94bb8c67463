package io.sockmapd.sql;

import io.sockmapd.config.DatabaseType;

/**
 * The SQL text rules sockmapd needs to know per engine: how bind parameters are written and how
 * string literals are quoted.
 *
 * <p>Quoting rules chosen (they decide where a literal ends and what its content is):
 *
 * <ul>
 *   <li>All engines: {@code '...'} is a string literal, a doubled {@code ''} inside it is one
 *       quote.
 *   <li>PostgreSQL: {@code "..."} is an identifier; a backslash is an ordinary character in {@code
 *       '...'} (standard_conforming_strings, the default since 9.1); {@code E'...'} literals
 *       (backslash escapes) and {@code $tag$...$tag$} bodies are copied verbatim and may not hold
 *       expansions.
 *   <li>MySQL/MariaDB: backslash escapes are honoured inside {@code '...'} and {@code "..."} (the
 *       default sql_mode; {@code "..."} is a string literal there), {@code `...`} is an identifier,
 *       {@code #} starts a comment.
 *   <li>SQLite: {@code "..."} and {@code `...`} are identifiers, no backslash escapes.
 * </ul>
 */
public enum SqlDialect {
  POSTGRESQL(false, false),
  MYSQL(true, true),
  SQLITE(false, false);

  private final boolean backslashEscapes;
  private final boolean doubleQuotedStrings;

  SqlDialect(boolean backslashEscapes, boolean doubleQuotedStrings) {
    this.backslashEscapes = backslashEscapes;
    this.doubleQuotedStrings = doubleQuotedStrings;
  }

  public static SqlDialect of(DatabaseType type) {
    return switch (type) {
      case POSTGRESQL -> POSTGRESQL;
      case MYSQL -> MYSQL;
      case SQLITE -> SQLITE;
    };
  }

  /** The bind parameter marker for the parameter at {@code index} (1-based). */
  String placeholder(int index) {
    return this == POSTGRESQL ? "$" + index : "?";
  }

  /** True when a backslash escapes the next character inside ordinary string literals. */
  boolean backslashEscapes() {
    return backslashEscapes;
  }

  /** True when {@code "..."} is a string literal rather than a quoted identifier. */
  boolean doubleQuotedStrings() {
    return doubleQuotedStrings;
  }
}
