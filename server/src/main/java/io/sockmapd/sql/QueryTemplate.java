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
   * @param params the parameter values, all strings
   */
  public record Binding(String sql, Tuple params) {}

  /** Most key forms one lookup may try ({@link KeyPolicy}). */
  static final int MAX_FORMS = 5;

  /** Name of the column that tells which key form a row of a combined statement belongs to. */
  static final String FORM_COLUMN = "sockmapd_form";

  private static final Pattern ORDER_BY =
      Pattern.compile("\\border\\s+by\\b", Pattern.CASE_INSENSITIVE);

  private final SqlDialect dialect;
  private final List<Segment> segments;
  private final int parameterCount;
  private final String sql;
  private final String[] combinedSql = new String[MAX_FORMS + 1];

  private QueryTemplate(SqlDialect dialect, List<Segment> segments) {
    this.dialect = dialect;
    this.segments = List.copyOf(segments);
    this.parameterCount = (int) segments.stream().filter(s -> s instanceof Parameter).count();
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
    for (SqlLexer.Token token : lexer.tokenize(stripTrailingSemicolons(query))) {
      switch (token.kind()) {
        case TEXT -> {
          rejectOwnPlaceholders(token.text(), dialect);
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
        case RAW_STRING, IDENTIFIER, COMMENT -> {
          // Postfix would paste the key into these; we can't bind a parameter there.
          if (parts(token.text()).stream().anyMatch(p -> p instanceof Expansion)) {
            throw new IllegalArgumentException(
                "expansions are only allowed in plain '...' literals or outside quotes, not in "
                    + describe(token.kind()));
          }
          text.append(token.text().replace("%%", "%"));
        }
      }
    }
    flush(text, segments);
    return new QueryTemplate(dialect, segments);
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
   * True when the query's own SQL (outside string literals) says {@code ORDER BY}. MySQL and
   * MariaDB may ignore the order of a derived table, so such a query is not wrapped into a batch
   * statement there: the order of the values in a multi-row answer would change.
   */
  boolean ordersRows() {
    for (Segment segment : segments) {
      if (segment instanceof SqlText text && ORDER_BY.matcher(text.sql()).find()) {
        return true;
      }
    }
    return false;
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
    String statement = used.size() <= 1 ? sql : combinedSql[used.size()];
    return new CombinedBinding(statement, Tuple.wrap(values), used, used.size() > 1, perForm);
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
    return sql(index -> dialect.placeholder(firstIndex - 1 + index));
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

  private static void rejectOwnPlaceholders(String text, SqlDialect dialect) {
    boolean own =
        dialect == SqlDialect.POSTGRESQL
            ? text.matches("(?s).*\\$[0-9].*")
            : text.indexOf('?') >= 0;
    if (own) {
      throw new IllegalArgumentException(
          "must not contain its own bind markers ("
              + (dialect == SqlDialect.POSTGRESQL ? "$1" : "?")
              + "); use %s, %u, %d ... instead");
    }
  }

  private static String stripTrailingSemicolons(String query) {
    String trimmed = query.strip();
    while (trimmed.endsWith(";")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
    }
    return trimmed;
  }

  private static String describe(SqlLexer.Kind kind) {
    return switch (kind) {
      case IDENTIFIER -> "a quoted identifier";
      case COMMENT -> "a comment";
      default -> "an E'...' or $$...$$ literal";
    };
  }
}
