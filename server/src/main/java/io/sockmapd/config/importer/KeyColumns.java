package io.sockmapd.config.importer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The columns a Postfix SQL table matches its lookup key against, read from its {@code .cf}
 * parameters: the legacy {@code table}/{@code where_field}, or the comparisons {@code column =
 * '%s'} (also {@code %u}, {@code %d} and their unfolded {@code %S %U %D}) in a {@code query}'s
 * WHERE and ON conditions. What {@code sockmapd verify --sample} draws its keys from.
 *
 * <p>A column is only reported when the query compares it to the expansion as it is; a column
 * wrapped in a function ({@code lower(address) = '%s'}), a {@code select_function} or an ambiguous
 * unqualified column over several tables leaves the key column unknown, with the reason.
 */
public final class KeyColumns {
  /** A table or column name as written in SQL, possibly schema- or table-qualified. */
  private static final String NAME = "[A-Za-z_][A-Za-z0-9_$]*(?:\\.[A-Za-z_][A-Za-z0-9_$]*)*";

  private static final Pattern COLUMN_FIRST =
      Pattern.compile("(?<![\\w.'])(" + NAME + ")\\s*=\\s*'%([sSuUdD])'");
  private static final Pattern EXPANSION_FIRST =
      Pattern.compile("'%([sSuUdD])'\\s*=\\s*(" + NAME + ")(?![\\w.(])");
  private static final Pattern UNION = Pattern.compile("(?i)\\bUNION(?:\\s+ALL)?\\b");
  private static final Pattern FROM =
      Pattern.compile(
          "(?is)\\bFROM\\s+(.*?)(?=\\bWHERE\\b|\\bGROUP\\s+BY\\b|\\bORDER\\s+BY\\b|\\bLIMIT\\b|$)");
  private static final Pattern JOIN =
      Pattern.compile("(?i)\\b(?:(?:INNER|LEFT|RIGHT|FULL|CROSS|OUTER|NATURAL)\\s+)*JOIN\\b");
  private static final Pattern TABLE_ITEM =
      Pattern.compile("(?is)\\s*(" + NAME + ")(?:\\s+(?:AS\\s+)?([A-Za-z_][A-Za-z0-9_$]*))?\\s*");
  private static final Pattern ON = Pattern.compile("(?is)\\s+(?:ON|USING)\\b.*");
  private static final Pattern KEYWORD =
      Pattern.compile("(?i)ON|USING|WHERE|GROUP|ORDER|LIMIT|JOIN|INNER|LEFT|RIGHT|CROSS");

  /**
   * One column compared to the key.
   *
   * @param table the table it belongs to, as the query names it
   * @param column the column's own name
   * @param part what it is compared to: {@code 's'} the whole key, {@code 'u'} the local part of
   *     {@code user@domain}, {@code 'd'} the domain
   */
  public record Column(String table, String column, char part) {
    @Override
    public String toString() {
      return table + "." + column + " (%" + part + ")";
    }
  }

  /**
   * What was found: the columns, or why none can be named.
   *
   * @param columns in query order, each once
   * @param unknown why the key column can't be determined; null when {@code columns} is complete
   */
  public record Found(List<Column> columns, @Nullable String unknown) {
    public Found {
      columns = List.copyOf(columns);
    }

    static Found unknown(String why) {
      return new Found(List.of(), why);
    }
  }

  private KeyColumns() {}

  /**
   * The key columns of a table file's parameters, with Postfix's precedence: {@code query}, then
   * (pgsql) {@code select_function}, then the legacy fields.
   */
  public static Found of(Map<String, String> parameters) {
    String query = parameters.getOrDefault("query", "");
    if (!query.isBlank()) {
      return ofQuery(query);
    }
    String function = parameters.getOrDefault("select_function", "");
    if (!function.isBlank()) {
      return Found.unknown(
          "select_function " + function.strip() + " compares the key inside the function");
    }
    String table = parameters.getOrDefault("table", "").strip();
    String whereField = parameters.getOrDefault("where_field", "").strip();
    if (table.matches(NAME) && whereField.matches(NAME)) {
      return new Found(List.of(new Column(table, whereField, 's')), null);
    }
    return Found.unknown("neither a query nor plain table and where_field names");
  }

  /** The columns a {@code query} compares to a key expansion, one SELECT of a UNION at a time. */
  static Found ofQuery(String query) {
    List<Column> columns = new ArrayList<>();
    for (String select : UNION.split(query, -1)) {
      Map<String, String> tables = tables(select);
      List<String[]> compared = compared(select);
      if (compared.isEmpty()) {
        return Found.unknown(
            "no plain comparison of a column with '%s', '%u' or '%d' in: " + select.strip());
      }
      for (String[] comparison : compared) {
        String name = comparison[0];
        int dot = name.lastIndexOf('.');
        String table;
        if (dot > 0) {
          table = tables.get(name.substring(0, dot).toLowerCase(Locale.ROOT));
          if (table == null) {
            return Found.unknown(name + ": no table " + name.substring(0, dot) + " in FROM");
          }
        } else if (new HashSet<>(tables.values()).size() == 1) {
          table = tables.values().iterator().next();
        } else {
          return Found.unknown(
              name + ": unqualified, and FROM names " + new HashSet<>(tables.values()) + "");
        }
        Column column =
            new Column(
                table, name.substring(dot + 1), Character.toLowerCase(comparison[1].charAt(0)));
        if (!columns.contains(column)) {
          columns.add(column);
        }
      }
    }
    return new Found(columns, null);
  }

  /** The {@code column = '%x'} and {@code '%x' = column} comparisons: {name, expansion}. */
  private static List<String[]> compared(String select) {
    List<String[]> found = new ArrayList<>();
    Matcher m = COLUMN_FIRST.matcher(select);
    while (m.find()) {
      found.add(new String[] {m.group(1), m.group(2)});
    }
    m = EXPANSION_FIRST.matcher(select);
    while (m.find()) {
      found.add(new String[] {m.group(2), m.group(1)});
    }
    return found;
  }

  /** The FROM clause's tables by the name a column is qualified with (alias or table), in order. */
  private static Map<String, String> tables(String select) {
    Map<String, String> tables = new LinkedHashMap<>();
    Matcher from = FROM.matcher(select);
    if (!from.find()) {
      return tables;
    }
    for (String joined : from.group(1).split(",", -1)) {
      for (String item : JOIN.split(joined, -1)) {
        Matcher m = TABLE_ITEM.matcher(ON.matcher(item).replaceFirst(""));
        if (!m.matches()) {
          continue;
        }
        String table = m.group(1);
        String alias = m.group(2);
        if (alias != null && KEYWORD.matcher(alias).matches()) {
          alias = null;
        }
        tables.put((alias != null ? alias : table).toLowerCase(Locale.ROOT), table);
        // A column may also be qualified with the table's own name when it has no alias.
        int dot = table.lastIndexOf('.');
        if (alias == null && dot > 0) {
          tables.putIfAbsent(table.substring(dot + 1).toLowerCase(Locale.ROOT), table);
        }
      }
    }
    return tables;
  }
}
