package io.sockmapd.sql.text;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A JSON value the client has parsed ({@link JsonObject}, {@link JsonArray}, {@link
 * Tuple#JSON_NULL}), written back in the layout PostgreSQL's {@code jsonb} and MySQL's {@code JSON}
 * output use: {@code {"a": 1, "b": [1, 2]}}, keys in the order received. The parse loses what only
 * the original text had: the spacing of a PostgreSQL {@code json} (not {@code jsonb}) value, and
 * the digits of numbers beyond a double's ({@code 1.50} comes back as {@code 1.5}); a top-level
 * JSON string or number arrives as a bare Java value and is shown like one.
 */
final class JsonText {
  private JsonText() {}

  /** The JSON text of {@code value}, or null when it is not a parsed JSON container. */
  static @Nullable String text(Object value) {
    if (value instanceof JsonObject || value instanceof JsonArray || value == Tuple.JSON_NULL) {
      StringBuilder out = new StringBuilder();
      write(out, value);
      return out.toString();
    }
    return null;
  }

  private static void write(StringBuilder out, @Nullable Object value) {
    if (value == null || value == Tuple.JSON_NULL) {
      out.append("null");
    } else if (value instanceof JsonObject object) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> entry : object) {
        out.append(first ? "" : ", ");
        first = false;
        string(out, entry.getKey());
        out.append(": ");
        write(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof JsonArray array) {
      out.append('[');
      for (int i = 0; i < array.size(); i++) {
        out.append(i == 0 ? "" : ", ");
        write(out, array.getValue(i));
      }
      out.append(']');
    } else if (value instanceof Map<?, ?> map) {
      write(out, new JsonObject(castMap(map)));
    } else if (value instanceof java.util.List<?> list) {
      write(out, new JsonArray(list));
    } else if (value instanceof String text) {
      string(out, text);
    } else if (value instanceof Double || value instanceof Float) {
      // Stored as numeric by jsonb: plain notation. The digits as read are lost; a number the
      // double prints in E notation was most likely written that way, without trailing zeros.
      String text = value.toString();
      BigDecimal number = new BigDecimal(text);
      out.append((text.contains("E") ? number.stripTrailingZeros() : number).toPlainString());
    } else {
      out.append(value); // Boolean, Integer, Long, BigInteger, BigDecimal
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  /**
   * escape_json: {@code " \ \b \f \n \r \t} by name, other controls as a six-character {@code
   * u00XX} escape.
   */
  private static void string(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\" + "u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
