package io.sockmapd.config.importer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.FallbackKey;
import io.sockmapd.config.schema.MapKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The SQL tables one main.cf (or master.cf {@code -o}) parameter lists, as sockmapd maps: a list
 * becomes one map searched as Postfix searches it, with the parameter's fallback keys ({@link
 * ParameterSemantics}); each table of a restriction list becomes a map of its own.
 */
final class ParameterImporter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern SQL_TABLE =
      Pattern.compile("(?:proxy:)?(?:pgsql|mysql|sqlite):\\S+");
  private static final Pattern ANY_TABLE = Pattern.compile("[a-z_]+:\\S+");

  private final ImportedConfig config;
  private final ImportProblems problems;
  private final TableFiles files;
  private final TableTranslator translator;
  private final @Nullable DatabaseType defaultType;
  private final String delimiter;
  private final PostfixTableImporter.SocketmapEndpoint endpoint;

  /**
   * @param defaultType the engine of tables without a type, or null to tell from their contents
   * @param delimiter main.cf's {@code recipient_delimiter}
   * @param endpoint where Postfix finds sockmapd, for the parameters' new values
   */
  ParameterImporter(
      ImportedConfig config,
      ImportProblems problems,
      @Nullable DatabaseType defaultType,
      String delimiter,
      PostfixTableImporter.SocketmapEndpoint endpoint) {
    this.config = config;
    this.problems = problems;
    this.files = new TableFiles(problems);
    this.translator = new TableTranslator(config, problems);
    this.defaultType = defaultType;
    this.delimiter = delimiter;
    this.endpoint = endpoint;
  }

  /**
   * Converts the SQL tables one parameter uses into maps; returns the parameter's new value
   * (socketmap tables in place of the SQL ones), or null when it uses none.
   */
  @Nullable String importParameter(String parameter, String mapName, String value) {
    List<String> words = PostfixLists.words(value);
    List<String> sqlTables = words.stream().filter(w -> SQL_TABLE.matcher(w).matches()).toList();
    if (sqlTables.isEmpty()) {
      return null;
    }
    ParameterSemantics semantics = ParameterSemantics.of(parameter);
    String advice = semantics.advice(parameter);
    if (advice != null) {
      problems.warnings.add(advice);
    }
    if (parameter.endsWith("_restrictions")) {
      // Each check_*_access names a table of its own, not a list: one map per table.
      List<String> replaced = new ArrayList<>();
      for (String word : words) {
        if (SQL_TABLE.matcher(word).matches()) {
          String name = parameterTableName(mapName, word);
          ObjectNode map = listMap(List.of(word), semantics);
          if (map != null && config.addMap(name, map, parameter, problems)) {
            replaced.add(socketmap(name));
          }
        } else {
          replaced.add(word);
        }
      }
      return String.join(" ", replaced);
    }
    long otherTables =
        words.stream()
            .filter(w -> ANY_TABLE.matcher(w).matches() && !SQL_TABLE.matcher(w).matches())
            .count();
    if (otherTables > 0) {
      problems.warnings.add(
          parameter
              + ": also lists non-SQL tables; they stay in Postfix and are searched"
              + " before or after sockmapd's map as a whole, not form by form with its tables");
    }
    ObjectNode map = listMap(sqlTables, semantics);
    if (map == null || !config.addMap(mapName, map, parameter, problems)) {
      return null;
    }
    // The SQL tables' place in the list goes to the socketmap, at the first one's position.
    List<String> replaced = new ArrayList<>();
    boolean placed = false;
    for (String word : words) {
      if (!SQL_TABLE.matcher(word).matches()) {
        replaced.add(word);
      } else if (!placed) {
        replaced.add(socketmap(mapName));
        placed = true;
      }
    }
    return String.join(", ", replaced);
  }

  private String socketmap(String mapName) {
    return "socketmap:" + endpoint.postfix() + ":" + mapName;
  }

  /** A restriction's table, named after the parameter and the table file. */
  private static String parameterTableName(String mapName, String table) {
    String file = table.substring(table.lastIndexOf(':') + 1);
    return mapName + "_" + PostfixLists.baseName(Path.of(file)).replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  /**
   * One map for the SQL tables of one parameter: the table's own settings when it is alone, a
   * {@code queries} list otherwise; with the parameter's fallback keys.
   */
  private @Nullable ObjectNode listMap(List<String> tables, ParameterSemantics semantics) {
    List<ObjectNode> queries = new ArrayList<>();
    for (String table : tables) {
      if (table.startsWith("proxy:")) {
        table = table.substring("proxy:".length());
      }
      TableFile file = files.open(table, defaultType);
      ObjectNode query = file == null ? null : translator.query(file, delimiter, false);
      if (query == null) {
        return null;
      }
      queries.add(query);
    }
    ObjectNode map = NODES.objectNode();
    if (queries.size() == 1) {
      map.setAll(queries.get(0));
    } else {
      queries.forEach(map.putArray(MapKeys.QUERIES.name())::add);
    }
    List<FallbackKey> fallbacks = semantics.fallbackKeys(delimiter);
    if (!fallbacks.isEmpty()) {
      if (fallbacks.contains(FallbackKey.USER_AT_DOMAIN)) {
        map.put(MapKeys.RECIPIENT_DELIMITER.name(), delimiter);
      }
      ArrayNode keys = map.putArray(MapKeys.FALLBACK_KEYS.name());
      fallbacks.forEach(f -> keys.add(f.configName()));
    }
    return map;
  }
}
