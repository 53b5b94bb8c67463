package io.sockmapd.sql;

import java.util.ArrayList;
import java.util.List;

/** Splits an SQL script into statements at the {@code ;} that stand outside quotes and comments. */
public final class SqlScript {
  private SqlScript() {}

  /** The statements of {@code script}, without their {@code ;}; comment-only pieces are dropped. */
  public static List<String> split(String script, SqlDialect dialect) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean hasContent = false;
    for (SqlLexer.Token token : new SqlLexer(dialect).tokenize(script)) {
      if (token.kind() != SqlLexer.Kind.TEXT) {
        current.append(token.text());
        hasContent |=
            token.kind() != SqlLexer.Kind.COMMENT && token.kind() != SqlLexer.Kind.LINE_COMMENT;
        continue;
      }
      String text = token.text();
      int start = 0;
      for (int semicolon = text.indexOf(';');
          semicolon >= 0;
          semicolon = text.indexOf(';', start)) {
        String piece = text.substring(start, semicolon);
        current.append(piece);
        if (hasContent || !piece.isBlank()) {
          statements.add(current.toString().strip());
        }
        current.setLength(0);
        hasContent = false;
        start = semicolon + 1;
      }
      String rest = text.substring(start);
      current.append(rest);
      hasContent |= !rest.isBlank();
    }
    if (hasContent) {
      statements.add(current.toString().strip());
    }
    return statements;
  }
}
