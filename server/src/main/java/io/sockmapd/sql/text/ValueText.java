package io.sockmapd.sql.text;

import io.sockmapd.sql.SqlDialect;
import org.jspecify.annotations.Nullable;

/**
 * Renders one decoded column value as the text the database server itself would send, which is what
 * Postfix's SQL tables see: libpq and libmysqlclient run queries in the text format, and Postfix's
 * sqlite table reads {@code sqlite3_column_text}.
 *
 * <p>Why render on sockmapd's side: the Vert.x clients run every lookup as a prepared statement,
 * and that is the binary protocol for both PostgreSQL (each column whose type has a binary form is
 * asked for in binary) and MySQL (COM_STMT_EXECUTE); the values arrive as Java objects ({@code
 * Boolean}, {@code LocalDateTime}, {@code String[]}, {@code Inet} ...). The alternatives were
 * weighed and rejected: asking the server for text columns is not something the clients expose (and
 * their text decoders parse into the same Java objects anyway); wrapping the user's query so that
 * every column is cast to text cannot be done generically (the column list is the user's SQL); the
 * simple (text) query protocol cannot bind parameters, which keys need. So one strategy per engine
 * turns the Java objects back into the server's text, with the server's session settings fixed or
 * known (see {@link PostgresValueText}). Where the object has lost what the text would show (a
 * column's declared fraction digits, a {@code json} value's spacing) the rendering is as close as
 * possible; docs/configuration.md lists these differences.
 */
public interface ValueText {
  /** The text of {@code value}; null for SQL NULL. */
  @Nullable String text(@Nullable Object value);

  /** The rendering of {@code dialect}'s server. */
  static ValueText forDialect(SqlDialect dialect) {
    return switch (dialect) {
      case POSTGRESQL -> new PostgresValueText(PostgresValueText.sessionTimeZone());
      case MYSQL -> new MysqlValueText();
      case SQLITE -> new SqliteValueText();
    };
  }
}
