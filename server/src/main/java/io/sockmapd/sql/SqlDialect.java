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
      case HTTP -> throw new IllegalArgumentException("http has no SQL dialect");
    };
  }

  /** The bind parameter marker for the parameter at {@code index} (1-based). */
  String placeholder(int index) {
    return this == POSTGRESQL ? "$" + index : "?";
  }

  /**
   * Refuses SQL text (outside literals and comments) that holds this dialect's own bind markers:
   * the query's parameters are sockmapd's to place, so a marker of the user's would bind nothing.
   *
   * @param useInstead what the user writes instead, for the message
   * @throws IllegalArgumentException naming the marker found
   */
  void rejectOwnBindMarkers(String text, String useInstead) {
    boolean own = this == POSTGRESQL ? text.matches("(?s).*\\$[0-9].*") : text.indexOf('?') >= 0;
    if (own) {
      throw new IllegalArgumentException(
          "must not contain its own bind markers ("
              + (this == POSTGRESQL ? "$1" : "?")
              + "); use "
              + useInstead
              + " instead");
    }
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
