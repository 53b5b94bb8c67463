package io.sockmapd.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into plain text, string literals, quoted identifiers and comments, following the
 * quoting and comment rules of one {@link SqlDialect}. It does not understand SQL beyond that: it
 * only has to know which characters are inside quotes or comments (so expansions there become one
 * parameter, a {@code ;} there does not end a statement, an {@code ORDER BY} there orders nothing,
 * and a line comment can be dropped before the query is wrapped into a larger statement).
 */
final class SqlLexer {

  /** What a piece of SQL text is. */
  enum Kind {
    /** Outside any quote or comment. */
    TEXT,
    /** A string literal whose content is decoded by {@link #decodeLiteral}. */
    STRING,
    /** A literal copied verbatim and never expanded into ({@code E'..'}, {@code $$..$$}). */
    RAW_STRING,
    /** A quoted identifier. */
    IDENTIFIER,
    /**
     * A {@code /* ... *}{@code /} comment. It ends where it says, so it can stay in a wrapped
     * statement (and must: MySQL runs {@code /*! ... *}{@code /}, optimizers read hints in them).
     */
    COMMENT,
    /**
     * A comment to the end of the line ({@code --}, MySQL's {@code #}), without the line break: it
     * would swallow whatever is appended after it on the same line.
     */
    LINE_COMMENT
  }

  /**
   * One piece of SQL text.
   *
   * @param kind what it is
   * @param text the source text including its quotes
   * @param quote the quote character for {@link Kind#STRING}, else 0
   */
  record Token(Kind kind, String text, char quote) {
    /** The raw text between the quotes of a {@link Kind#STRING}. */
    String body() {
      return text.substring(1, text.length() - 1);
    }
  }

  private final SqlDialect dialect;

  SqlLexer(SqlDialect dialect) {
    this.dialect = dialect;
  }

  /**
   * Splits {@code sql}.
   *
   * @throws IllegalArgumentException on an unterminated literal, identifier or comment
   */
  List<Token> tokenize(String sql) {
    List<Token> tokens = new ArrayList<>();
    int textStart = 0;
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      int end;
      Kind kind;
      char quote = 0;
      if (c == '\'') {
        boolean escaped = dialect == SqlDialect.POSTGRESQL && isEscapeStringPrefix(sql, i);
        end = endOfQuoted(sql, i, '\'', dialect.backslashEscapes() || escaped);
        kind = escaped ? Kind.RAW_STRING : Kind.STRING;
        quote = '\'';
        if (escaped) {
          // Pull the E prefix into the raw literal so it is copied with it.
          i--;
        }
      } else if (c == '"') {
        boolean string = dialect.doubleQuotedStrings();
        end = endOfQuoted(sql, i, '"', string && dialect.backslashEscapes());
        kind = string ? Kind.STRING : Kind.IDENTIFIER;
        quote = string ? '"' : 0;
      } else if (c == '`' && dialect != SqlDialect.POSTGRESQL) {
        end = endOfQuoted(sql, i, '`', false);
        kind = Kind.IDENTIFIER;
      } else if ((c == '-' && startsDoubleDashComment(sql, i))
          || (c == '#' && dialect == SqlDialect.MYSQL)) {
        end = endOfLine(sql, i);
        kind = Kind.LINE_COMMENT;
      } else if (c == '/' && sql.startsWith("/*", i)) {
        end = endOfBlockComment(sql, i);
        kind = Kind.COMMENT;
      } else if (c == '$' && dialect == SqlDialect.POSTGRESQL && dollarTagEnd(sql, i) > 0) {
        int tagEnd = dollarTagEnd(sql, i);
        String tag = sql.substring(i, tagEnd);
        int close = sql.indexOf(tag, tagEnd);
        if (close < 0) {
          throw new IllegalArgumentException("unterminated " + tag + " quoted string");
        }
        end = close + tag.length();
        kind = Kind.RAW_STRING;
      } else {
        i++;
        continue;
      }
      if (i > textStart) {
        tokens.add(new Token(Kind.TEXT, sql.substring(textStart, i), (char) 0));
      }
      tokens.add(new Token(kind, sql.substring(i, end), quote));
      i = end;
      textStart = end;
    }
    if (textStart < sql.length()) {
      tokens.add(new Token(Kind.TEXT, sql.substring(textStart), (char) 0));
    }
    return tokens;
  }

  /**
   * True when the {@code -} at {@code i} starts a comment. MySQL and MariaDB want a space or
   * control character after {@code --} ({@code 5--1} is 5 minus -1 there); the others do not.
   */
  private boolean startsDoubleDashComment(String sql, int i) {
    if (!sql.startsWith("--", i)) {
      return false;
    }
    if (dialect != SqlDialect.MYSQL || i + 2 == sql.length()) {
      return true;
    }
    char next = sql.charAt(i + 2);
    return Character.isWhitespace(next) || Character.isISOControl(next);
  }

  /** Where the line comment at {@code start} ends: at the line break (PostgreSQL: also at CR). */
  private int endOfLine(String sql, int start) {
    for (int i = start; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\n' || (c == '\r' && dialect == SqlDialect.POSTGRESQL)) {
        return i;
      }
    }
    return sql.length();
  }

  /** The index after the block comment at {@code start}; PostgreSQL's nest. */
  private int endOfBlockComment(String sql, int start) {
    boolean nests = dialect == SqlDialect.POSTGRESQL;
    int depth = 0;
    int i = start;
    while (i + 1 < sql.length()) {
      if (sql.startsWith("/*", i) && (depth == 0 || nests)) {
        depth++;
        i += 2;
      } else if (sql.startsWith("*/", i)) {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    throw new IllegalArgumentException("unterminated /* comment");
  }

  /** True when the quote at {@code quoteIndex} opens a PostgreSQL {@code E'...'} literal. */
  private static boolean isEscapeStringPrefix(String sql, int quoteIndex) {
    if (quoteIndex == 0) {
      return false;
    }
    char prefix = sql.charAt(quoteIndex - 1);
    if (prefix != 'E' && prefix != 'e') {
      return false;
    }
    return quoteIndex < 2 || !isIdentifierChar(sql.charAt(quoteIndex - 2));
  }

  /** The index after the closing quote of the quoted run starting at {@code start}. */
  private static int endOfQuoted(String sql, int start, char quote, boolean backslash) {
    int i = start + 1;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (backslash && c == '\\') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    throw new IllegalArgumentException("unterminated " + quote + " quote");
  }

  /**
   * For a PostgreSQL dollar quote {@code $tag$} at {@code start}, the index after it; 0 when the
   * {@code $} does not open one (for example a {@code $1} parameter).
   */
  private static int dollarTagEnd(String sql, int start) {
    if (start > 0 && isIdentifierChar(sql.charAt(start - 1))) {
      return 0;
    }
    int i = start + 1;
    while (i < sql.length() && isIdentifierChar(sql.charAt(i))) {
      if (i == start + 1 && Character.isDigit(sql.charAt(i))) {
        return 0;
      }
      i++;
    }
    return i < sql.length() && sql.charAt(i) == '$' ? i + 1 : 0;
  }

  private static boolean isIdentifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /**
   * Decodes a piece of literal body text as the server would: doubled quotes become one, and with
   * backslash escapes (MySQL) {@code \n}, {@code \t}, {@code \0} ... are interpreted. MySQL keeps
   * {@code \%} and {@code \_} as two characters (they are LIKE escapes).
   */
  String decodeLiteral(String raw, char quote) {
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == quote && i + 1 < raw.length() && raw.charAt(i + 1) == quote) {
        out.append(quote);
        i++;
      } else if (c == '\\' && dialect.backslashEscapes() && i + 1 < raw.length()) {
        char next = raw.charAt(++i);
        switch (next) {
          case '0' -> out.append('\0');
          case 'b' -> out.append('\b');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'Z' -> out.append('\u001a');
          case '%', '_' -> out.append('\\').append(next);
          default -> out.append(next);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
