package io.sockmapd.sql;

import io.sockmapd.lookup.LookupResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Turns result rows into one reply value as Postfix's SQL tables do: every column of every row, in
 * the order the database returns them, each value run through {@code result_format}, NULL and empty
 * values skipped, the rest joined with {@code ,}; nothing left is "not found", more values than
 * {@code expansion_limit} (when positive) is a temporary error.
 *
 * <p>In {@code result_format}, {@code %s %u %d} come from the value and {@code %S %U %D %1..%9}
 * from the key; a value for which a used part does not apply (empty local part, no domain, too few
 * labels) is skipped. Deliberate difference: Postfix's sqlite table uses only the first column;
 * sockmapd uses every column for every database, so one map behaves the same on all three.
 */
public final class ResultFormatter {
  private static final Logger LOG = LogManager.getLogger(ResultFormatter.class);

  private final List<QueryTemplate.Part> parts;
  private final int expansionLimit;
  private final String mapName;

  private ResultFormatter(List<QueryTemplate.Part> parts, int expansionLimit, String mapName) {
    this.parts = List.copyOf(parts);
    this.expansionLimit = expansionLimit;
    this.mapName = mapName;
  }

  /**
   * Parses {@code result_format}.
   *
   * @throws IllegalArgumentException on an unknown {@code %x} or a trailing {@code %}
   */
  public static ResultFormatter parse(String resultFormat, int expansionLimit, String mapName) {
    return new ResultFormatter(QueryTemplate.parts(resultFormat), expansionLimit, mapName);
  }

  /**
   * Formats the rows of one key form.
   *
   * @param rows the rows, in database order
   * @param firstColumn columns before this one are sockmapd's own (the form tag) and not values
   * @param key the key form the rows answer (for {@code %S %U %D %1..%9})
   */
  public LookupResult format(Iterable<Row> rows, int firstColumn, String key) {
    AddressParts keyParts = new AddressParts(key);
    List<String> values = new ArrayList<>();
    for (Row row : rows) {
      for (int column = firstColumn; column < row.size(); column++) {
        String value = text(row.getValue(column));
        if (value == null) {
          continue;
        }
        if (value.isEmpty()) {
          LOG.debug("map {}: empty lookup result value ignored", mapName);
          continue;
        }
        String formatted = apply(value, keyParts);
        if (formatted == null) {
          continue;
        }
        if (expansionLimit > 0 && values.size() >= expansionLimit) {
          return LookupResult.temp("expansion limit exceeded");
        }
        values.add(formatted);
      }
    }
    return values.isEmpty()
        ? LookupResult.notFound()
        : LookupResult.found(String.join(",", values));
  }

  /** One value through {@code result_format}; null when the value is to be skipped. */
  @Nullable String apply(String value, AddressParts key) {
    AddressParts valueParts = new AddressParts(value);
    StringBuilder out = new StringBuilder();
    for (QueryTemplate.Part part : parts) {
      if (part instanceof QueryTemplate.Literal literal) {
        out.append(literal.text());
        continue;
      }
      char code = ((QueryTemplate.Expansion) part).code();
      String expanded = Character.isLowerCase(code) ? valueParts.expand(code) : key.expand(code);
      if (expanded == null) {
        return null;
      }
      out.append(expanded);
    }
    return out.toString();
  }

  private static @Nullable String text(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Buffer buffer) {
      return buffer.toString(StandardCharsets.UTF_8);
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return value.toString();
  }
}
