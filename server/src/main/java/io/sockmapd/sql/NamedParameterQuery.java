package io.sockmapd.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement with named parameters ({@code :sender}, {@code :client_address}), parsed once at
 * load: each name becomes one of the dialect's bind markers, so a value never enters the SQL text.
 * Names are looked for only outside literals, quoted identifiers and comments ({@link SqlLexer}),
 * and PostgreSQL's {@code ::type} casts are not names. A name used twice is bound twice.
 *
 * <p>On PostgreSQL each marker is written {@code $n::text}: the driver refuses a Java string for a
 * parameter the server infers as another type, so the values go as text and a query that compares
 * them with another type casts them itself ({@code :client_address::inet}).
 *
 * @param sql the statement with the dialect's bind markers
 * @param names the attribute name of each bind marker, in order
 */
public record NamedParameterQuery(String sql, List<String> names) {

  /** A colon that starts a name: not part of {@code ::}, followed by a letter or underscore. */
  private static final Pattern NAME = Pattern.compile("(?<!:):([A-Za-z_][A-Za-z0-9_]*)");

  private static final Pattern TRAILING_SEMICOLONS = Pattern.compile("[\\s;]+$");

  public NamedParameterQuery {
    names = List.copyOf(names);
  }

  /**
   * Parses a statement.
   *
   * @throws IllegalArgumentException with a message fit for a config error: unterminated quotes or
   *     comments, the dialect's own bind markers, or a statement without text
   */
  public static NamedParameterQuery parse(String query, SqlDialect dialect) {
    String statement = TRAILING_SEMICOLONS.matcher(query).replaceFirst("");
    if (statement.isBlank()) {
      throw new IllegalArgumentException("is empty");
    }
    StringBuilder sql = new StringBuilder(statement.length() + 16);
    List<String> names = new ArrayList<>();
    for (SqlLexer.Token token : new SqlLexer(dialect).tokenize(statement)) {
      if (token.kind() != SqlLexer.Kind.TEXT) {
        sql.append(token.text());
        continue;
      }
      dialect.rejectOwnBindMarkers(token.text(), ":sender, :client_address ...");
      String text = token.text();
      Matcher m = NAME.matcher(text);
      int last = 0;
      while (m.find()) {
        sql.append(text, last, m.start());
        names.add(m.group(1));
        String marker = dialect.placeholder(names.size());
        sql.append(dialect == SqlDialect.POSTGRESQL ? marker + "::text" : marker);
        last = m.end();
      }
      sql.append(text, last, text.length());
    }
    return new NamedParameterQuery(sql.toString(), names);
  }
}
