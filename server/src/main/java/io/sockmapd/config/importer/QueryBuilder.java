package io.sockmapd.config.importer;

import io.sockmapd.config.DatabaseType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The SQL a table file runs, with Postfix's precedence: {@code query}, then (pgsql) {@code
 * select_function}, then the legacy {@code select_field}/{@code table}/{@code where_field}/{@code
 * additional_conditions}, built as Postfix builds it.
 */
final class QueryBuilder {
  private static final Pattern EXPANSION = Pattern.compile("%(.)");
  private static final List<String> LEGACY =
      List.of("select_field", "table", "where_field", "additional_conditions");

  private QueryBuilder() {}

  /** The table's query; null (with an error) when it gives none. */
  static @Nullable String query(TableFile table) {
    String query = table.get("query");
    String function = table.type == DatabaseType.POSTGRESQL ? table.get("select_function") : null;
    Map<String, String> legacy = new LinkedHashMap<>();
    for (String name : LEGACY) {
      String value = table.get(name);
      if (value != null) {
        legacy.put(name, value);
      }
    }
    if (query != null && !query.isEmpty()) {
      if (function != null || !legacy.isEmpty()) {
        table.warn(
            "query is set, so "
                + (function != null ? "select_function and " : "")
                + "the legacy select_field/table/where_field/additional_conditions are ignored, as"
                + " in Postfix");
      }
      return query;
    }
    if (function != null && !function.isEmpty()) {
      return "SELECT " + function + "('%s')";
    }
    List<String> missing = new ArrayList<>();
    for (String name : LEGACY.subList(0, 3)) {
      if (legacy.getOrDefault(name, "").isEmpty()) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      table.error(
          "no query: give query, or select_field, table and where_field (missing: "
              + String.join(", ", missing)
              + ")");
      return null;
    }
    // The exact text Postfix builds (db_common_sql_build_query), minus a trailing blank.
    return ("SELECT "
            + legacy.get("select_field")
            + " FROM "
            + legacy.get("table")
            + " WHERE "
            + legacy.get("where_field")
            + "='%s' "
            + legacy.getOrDefault("additional_conditions", ""))
        .strip();
  }

  /** True when the query expands the key only as a whole ({@code %s}/{@code %S}). */
  static boolean usesOnlyTheFullKey(String query) {
    Matcher m = EXPANSION.matcher(query);
    boolean full = false;
    while (m.find()) {
      char c = m.group(1).charAt(0);
      if (c == 's' || c == 'S') {
        full = true;
      } else if (c != '%') {
        return false;
      }
    }
    return full;
  }
}
