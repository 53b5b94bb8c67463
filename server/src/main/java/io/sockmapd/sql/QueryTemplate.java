package io.sockmapd.sql;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Postfix {@code query} parsed once at load: SQL text plus bind parameters. Every expansion
 * ({@code %s %u %d %S %U %D %1..%9}) becomes a bind parameter, so no key text ever enters SQL text.
 * A quoted literal that holds expansions ({@code '%u@%d'}) becomes one parameter whose value is the
 * literal's content with the expansions filled in, so queries written for Postfix work unchanged;
 * an expansion outside quotes becomes a parameter of its own. {@code %%} is a literal {@code %}.
 *
 * <p>Suppression follows Postfix: {@code %u} on a key with an empty local part, {@code %d} on a key
 * without a domain, {@code %1..%9} with too few (or empty) labels: the query is not run and the
 * answer is "not found". In a query the upper-case forms mean the same as the lower-case ones.
 */
public final class QueryTemplate {

  /** A piece of a template: literal text or one expansion. */
  sealed interface Part permits Literal, Expansion {}

  /** Literal text of a template. */
  record Literal(String text) implements Part {}

  /** One {@code %x} expansion, by its letter or digit. */
  record Expansion(char code) implements Part {}

  /** A piece of the statement: SQL text, or a bind parameter built from parts. */
  private sealed interface Segment permits SqlText, Parameter {}

  private record SqlText(String sql) implements Segment {}

  private record Parameter(List<Part> parts) implements Segment {}

  /**
   * A statement ready to run.
   *
   * @param sql the SQL text with the dialect's placeholders
   * @param params the parameter values: strings, or one text array per parameter in PostgreSQL's
   *     batch statement ({@link LateralBatchForm})
   */
  public record Binding(String sql, Tuple params) {}

  /** Most key forms one lookup may try ({@link KeyPolicy}). */
  static final int MAX_FORMS = 5;

  /** Name of the column that tells which key form a row of a combined statement belongs to. */
  static final String FORM_COLUMN = "sockmapd_form";

  /** PostgreSQL's {@code text} as {@link PgParameterTypes} names it: needs no conversion. */
  private static final String TEXT_TYPE = "pg_catalog.text";

  private static final Pattern ORDER_BY =
      Pattern.compile("\\border\\s+by\\b", Pattern.CASE_INSENSITIVE);

  private static final Pattern TRAILING_SEMICOLONS = Pattern.compile("[\\s;]+$");

  private final SqlDialect dialect;
  private final List<Segment> segments;
  private final int parameterCount;

  /** Empty, or per bind parameter the type it is converted to from text ({@link #typed}). */
  private final List<String> parameterTypes;

  private final String sql;
  private final String[] combinedSql = new String[MAX_FORMS + 1];
  private final boolean ordersRows;

  private QueryTemplate(
      SqlDialect dialect, List<Segment> segments, boolean ordersRows, List<String> parameterTypes) {
    this.dialect = dialect;
    this.ordersRows = ordersRows;
    this.segments = List.copyOf(segments);
    this.parameterCount = (int) segments.stream().filter(s -> s instanceof Parameter).count();
    this.parameterTypes = List.copyOf(parameterTypes);
    this.sql = render(1);
    for (int forms = 2; forms <= MAX_FORMS; forms++) {
      combinedSql[forms] = renderCombined(forms);
    }
  }

  /**
   * Parses a Postfix query.
   *
   * @throws IllegalArgumentException with a message fit for a config error: an unknown {@code %x},
   *     a {@code %} at the end, unterminated quotes, an expansion inside a quoted identifier or a
   *     verbatim literal, or the query's own bind markers
   */
  public static QueryTemplate parse(String query, SqlDialect dialect) {
    SqlLexer lexer = new SqlLexer(dialect);
    List<Segment> segments = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    // The query's own SQL with every literal, identifier and comment blanked out: what ORDER BY
    // is looked for in.
    StringBuilder code = new StringBuilder();
    for (SqlLexer.Token token : statementTokens(lexer.tokenize(query))) {
      code.append(token.kind() == SqlLexer.Kind.TEXT ? token.text() : " ");
      switch (token.kind()) {
        case TEXT -> {
          dialect.rejectOwnBindMarkers(token.text(), "%s, %u, %d ...");
          for (Part part : parts(token.text())) {
            if (part instanceof Literal literal) {
              text.append(literal.text());
            } else {
              flush(text, segments);
              segments.add(new Parameter(List.of(part)));
            }
          }
        }
        case STRING -> {
          List<Part> parts = parts(token.body());
          if (parts.stream().anyMatch(p -> p instanceof Expansion)) {
            flush(text, segments);
            segments.add(new Parameter(decode(parts, lexer, token.quote())));
          } else {
            // No expansion: keep the literal as SQL, only %% becomes %.
            text.append(token.text().replace("%%", "%"));
          }
        }
        case RAW_STRING, IDENTIFIER, COMMENT, LINE_COMMENT -> {
          // Postfix would paste the key into these; we can't bind a parameter there.
          rejectExpansions(token);
          text.append(token.text().replace("%%", "%"));
        }
      }
    }
    flush(text, segments);
    return new QueryTemplate(dialect, segments, ORDER_BY.matcher(code).find(), List.of());
  }

  /**
   * The tokens of the statement sockmapd runs: every line comment becomes a space, and trailing
   * semicolons go. The query is wrapped into larger statements ({@code UNION ALL} of the fallback
   * forms, batch statements), where a line comment would swallow the rest of its line (the
   * wrapper's closing parenthesis) and a semicolon would end the statement early. Block comments
   * stay: they end where they say, and MySQL runs {@code /*!...}{@code *}{@code /} comments.
   */
  private static List<SqlLexer.Token> statementTokens(List<SqlLexer.Token> tokens) {
    List<SqlLexer.Token> out = new ArrayList<>(tokens.size());
    for (SqlLexer.Token token : tokens) {
      if (token.kind() == SqlLexer.Kind.LINE_COMMENT) {
        rejectExpansions(token);
        token = new SqlLexer.Token(SqlLexer.Kind.TEXT, " ", (char) 0);
      }
      int last = out.size() - 1;
      if (token.kind() == SqlLexer.Kind.TEXT
          && last >= 0
          && out.get(last).kind() == SqlLexer.Kind.TEXT) {
        token =
            new SqlLexer.Token(
                SqlLexer.Kind.TEXT, out.remove(last).text() + token.text(), (char) 0);
      }
      out.add(token);
    }
    int last = out.size() - 1;
    if (last >= 0 && out.get(last).kind() == SqlLexer.Kind.TEXT) {
      String trimmed = TRAILING_SEMICOLONS.matcher(out.remove(last).text()).replaceFirst("");
      if (!trimmed.isEmpty()) {
        out.add(new SqlLexer.Token(SqlLexer.Kind.TEXT, trimmed, (char) 0));
      }
    }
    return out;
  }

  private static void rejectExpansions(SqlLexer.Token token) {
    if (parts(token.text()).stream().anyMatch(p -> p instanceof Expansion)) {
      throw new IllegalArgumentException(
          "expansions are only allowed in plain '...' literals or outside quotes, not in "
              + describe(token.kind()));
    }
  }

  /**
   * This query with each bind parameter sent as text and converted by the server to {@code types}
   * (one per parameter, as {@link PgParameterTypes} names them): {@code CAST($1::text AS
   * pg_catalog.int4)}. That is what Postfix's spliced literal {@code '5'} amounts to: the server
   * reads the key's text as a value of the column's type (and refuses text that is no such value,
   * SQLSTATE 22P02). A parameter of type {@code text} stays a plain placeholder. PostgreSQL only:
   * its driver sends a bind value typed as the server infers, and refuses a string for an {@code
   * integer} or {@code inet} parameter.
   */
  QueryTemplate typed(List<String> types) {
    if (types.size() != parameterCount) {
      throw new IllegalArgumentException(types.size() + " types for " + parameterCount);
    }
    return new QueryTemplate(dialect, segments, ordersRows, types);
  }

  /** The statement {@link #bindAll} picks for {@code forms} key forms. */
  String statement(int forms) {
    return forms <= 1 ? sql : combinedSql[forms];
  }

  /** The SQL for one key. */
  public String sql() {
    return sql;
  }

  /** The dialect the SQL is written for. */
  public SqlDialect dialect() {
    return dialect;
  }

  /** The statement {@link #bindAll} uses for {@code forms} (2..{@link #MAX_FORMS}) key forms. */
  String combinedSql(int forms) {
    return combinedSql[forms];
  }

  /**
   * The query once per key form ({@code forms} ≥ 1), rows tagged with the form's 1-based position
   * in a leading {@link #FORM_COLUMN} column, as {@link #combinedSql} but for any number of forms:
   * the batch statement of engines without {@code LATERAL}.
   */
  String taggedSql(int forms) {
    return forms >= 2 && forms <= MAX_FORMS ? combinedSql[forms] : renderCombined(forms);
  }

  /**
   * True when the query's own SQL (outside literals, quoted identifiers and comments) says {@code
   * ORDER BY}. MySQL and MariaDB may ignore the order of a derived table, so such a query is not
   * wrapped into a batch statement there: the order of the values in a multi-row answer would
   * change.
   */
  boolean ordersRows() {
    return ordersRows;
  }

  /** Bind parameters per key. */
  int parameterCount() {
    return parameterCount;
  }

  /** True when the template expands anything (a constant query gets the same answer for all). */
  boolean hasExpansions() {
    return parameterCount > 0;
  }

  /** Binds one key, or returns empty when Postfix would suppress the query for it. */
  public Optional<Binding> bind(String key) {
    List<Object> values = parameters(key);
    return values == null ? Optional.empty() : Optional.of(new Binding(sql, Tuple.wrap(values)));
  }

  /**
   * Binds several key forms into one statement that returns the rows of each form tagged with its
   * 1-based position in a leading {@link #FORM_COLUMN} column ({@code UNION ALL} of the query
   * wrapped once per form, so one round trip answers every form). Forms Postfix would suppress are
   * left out; the returned list says which forms are in the statement, in tag order.
   */
  CombinedBinding bindAll(List<String> keys) {
    List<String> used = new ArrayList<>(keys.size());
    List<Object> values = new ArrayList<>();
    List<List<Object>> perForm = new ArrayList<>(keys.size());
    for (String key : keys) {
      List<Object> forKey = parameters(key);
      if (forKey != null) {
        used.add(key);
        values.addAll(forKey);
        perForm.add(forKey);
      }
    }
    if (used.size() > MAX_FORMS) {
      throw new IllegalArgumentException("at most " + MAX_FORMS + " key forms");
    }
    return new CombinedBinding(
        statement(used.size()), Tuple.wrap(values), used, used.size() > 1, perForm);
  }

  /**
   * Several key forms bound into one statement.
   *
   * @param sql the statement
   * @param params its parameters
   * @param keys the key forms in it; empty when every form was suppressed
   * @param tagged true when the rows start with the {@link #FORM_COLUMN} tag
   * @param formParams the parameter values of each form in {@code keys}, for a batch statement
   */
  record CombinedBinding(
      String sql, Tuple params, List<String> keys, boolean tagged, List<List<Object>> formParams) {}

  /** Parameter values for one key; null when suppressed. */
  private @Nullable List<Object> parameters(String key) {
    AddressParts address = new AddressParts(key);
    List<Object> values = new ArrayList<>(parameterCount);
    for (Segment segment : segments) {
      if (segment instanceof Parameter parameter) {
        StringBuilder value = new StringBuilder();
        for (Part part : parameter.parts()) {
          if (part instanceof Literal literal) {
            value.append(literal.text());
          } else {
            String expanded = address.expand(((Expansion) part).code());
            if (expanded == null) {
              return null;
            }
            value.append(expanded);
          }
        }
        values.add(value.toString());
      }
    }
    return Collections.unmodifiableList(values);
  }

  private String render(int firstIndex) {
    return sql(index -> placeholder(firstIndex - 1 + index, index));
  }

  /** The {@code index}th placeholder of the statement, for the query's {@code parameter}th. */
  private String placeholder(int index, int parameter) {
    String placeholder = dialect.placeholder(index);
    if (parameterTypes.isEmpty()) {
      return placeholder;
    }
    String type = parameterTypes.get(parameter - 1);
    return type.equals(TEXT_TYPE) ? placeholder : "CAST(" + placeholder + "::text AS " + type + ")";
  }

  /**
   * The SQL for one key with the {@code n}th (1-based) bind parameter written as {@code
   * parameter.apply(n)}: the text of a batch statement, where parameters are columns.
   */
  String sql(IntFunction<String> parameter) {
    StringBuilder out = new StringBuilder();
    int index = 1;
    for (Segment segment : segments) {
      if (segment instanceof SqlText text) {
        out.append(text.sql());
      } else {
        out.append(parameter.apply(index++));
      }
    }
    return out.toString();
  }

  private String renderCombined(int forms) {
    StringBuilder out = new StringBuilder();
    for (int form = 1; form <= forms; form++) {
      if (form > 1) {
        out.append(" UNION ALL ");
      }
      out.append("SELECT ")
          .append(form)
          .append(" AS ")
          .append(FORM_COLUMN)
          .append(", sockmapd_q")
          .append(form)
          .append(".* FROM (")
          .append(render(1 + (form - 1) * parameterCount))
          .append(") sockmapd_q")
          .append(form);
    }
    return out.toString();
  }

  /**
   * Splits template text at its {@code %} escapes.
   *
   * @throws IllegalArgumentException on an unknown escape or a trailing {@code %}
   */
  static List<Part> parts(String text) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '%') {
        literal.append(c);
        continue;
      }
      if (i + 1 == text.length()) {
        throw new IllegalArgumentException("ends with a lone '%' (write %% for a literal %)");
      }
      char code = text.charAt(++i);
      if (code == '%') {
        literal.append('%');
      } else if ("sudSUD123456789".indexOf(code) >= 0) {
        if (literal.length() > 0) {
          parts.add(new Literal(literal.toString()));
          literal.setLength(0);
        }
        parts.add(new Expansion(code));
      } else {
        throw new IllegalArgumentException(
            "unknown expansion %"
                + code
                + " (known: %% %s %u %d %S %U %D %1..%9; write %% for a literal %)");
      }
    }
    if (literal.length() > 0) {
      parts.add(new Literal(literal.toString()));
    }
    return parts;
  }

  /** The parts of a literal body with its SQL escapes decoded (expansion values stay as is). */
  private static List<Part> decode(List<Part> raw, SqlLexer lexer, char quote) {
    List<Part> decoded = new ArrayList<>(raw.size());
    for (Part part : raw) {
      decoded.add(
          part instanceof Literal literal
              ? new Literal(lexer.decodeLiteral(literal.text(), quote))
              : part);
    }
    return decoded;
  }

  private static void flush(StringBuilder text, List<Segment> segments) {
    if (text.length() > 0) {
      segments.add(new SqlText(text.toString()));
      text.setLength(0);
    }
  }

  private static String describe(SqlLexer.Kind kind) {
    return switch (kind) {
      case IDENTIFIER -> "a quoted identifier";
      case COMMENT, LINE_COMMENT -> "a comment";
      default -> "an E'...' or $$...$$ literal";
    };
  }
}
