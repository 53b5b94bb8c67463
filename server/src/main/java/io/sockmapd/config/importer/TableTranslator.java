package io.sockmapd.config.importer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.schema.DatabaseKeys;
import io.sockmapd.config.schema.TableKeys;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One table file as sockmapd configuration: its database (added to the import, shared with the
 * files that reach the same one) and its query settings.
 */
final class TableTranslator {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ImportedConfig config;
  private final ImportProblems problems;

  TableTranslator(ImportedConfig config, ImportProblems problems) {
    this.config = config;
    this.problems = problems;
  }

  /** The file as a map of its own, named after the file ({@code aliases.cf} → {@code aliases}). */
  void addAsMap(TableFile table, @Nullable String delimiter) {
    Path fileName = table.file.getFileName();
    String name = fileName == null ? table.label : fileName.toString();
    String mapName = name.endsWith(".cf") ? name.substring(0, name.length() - 3) : name;
    if (!mapName.matches("[^\\s:]+")) {
      table.error(
          "the map name \"" + mapName + "\" (from the file name) must not contain spaces or ':'");
      return;
    }
    if (config.maps.containsKey(mapName)) {
      table.error(
          "a map named \"" + mapName + "\" comes from another file already; rename one file");
      return;
    }
    ObjectNode result = query(table, delimiter, true);
    if (result != null) {
      config.maps.put(mapName, result);
    }
  }

  /**
   * The table as one query of a map: its database name and query settings; null when it can't be
   * converted (the errors say why).
   *
   * @param adviseFallbacks warn that a {@code %s}-only query may need fallback keys (when the
   *     caller does not know the parameter the table serves)
   */
  @Nullable ObjectNode query(TableFile table, @Nullable String delimiter, boolean adviseFallbacks) {
    int before = problems.errors.size();
    ObjectNode db = new DatabaseTranslator(table).database();
    if (db != null && db.has(DatabaseKeys.PASSWORD.name())) {
      config.passwords = true;
    }
    ObjectNode settings = new QuerySettingsTranslator(table).settings(delimiter, adviseFallbacks);
    table.warnUnused();
    if (db == null || settings == null || problems.errors.size() > before) {
      return null;
    }
    String preferred =
        table.type == DatabaseType.SQLITE
            ? PostfixLists.baseName(Path.of(db.get(DatabaseKeys.PATH.name()).asText()))
            : db.get(DatabaseKeys.DATABASE.name()).asText();
    ObjectNode result = NODES.objectNode();
    result.put(TableKeys.DATABASE.name(), config.databaseName(preferred, db));
    result.setAll(settings);
    return result;
  }
}
