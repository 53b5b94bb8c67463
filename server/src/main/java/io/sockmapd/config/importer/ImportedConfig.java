package io.sockmapd.config.importer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The configuration one import builds: its databases (shared by the tables with the same connection
 * settings) and maps, in the order they were found.
 */
final class ImportedConfig {
  final Map<String, ObjectNode> databases = new LinkedHashMap<>();
  final Map<String, ObjectNode> maps = new LinkedHashMap<>();

  /** True once a database entry holds a password copied from a table file. */
  boolean passwords;

  /** Where database passwords go, one file each, instead of into the JSON; null: inline. */
  final @Nullable Path passwordDir;

  ImportedConfig(@Nullable Path passwordDir) {
    this.passwordDir = passwordDir;
  }

  /** The name of a database entry equal to {@code db}, adding it when new. */
  String databaseName(String preferred, ObjectNode db) {
    String name = preferred.isEmpty() ? "db" : preferred;
    for (int n = 2; ; n++) {
      ObjectNode existing = databases.get(name);
      if (existing == null) {
        databases.put(name, db);
        return name;
      }
      if (existing.equals(db)) {
        return name;
      }
      name = (preferred.isEmpty() ? "db" : preferred) + "_" + n;
    }
  }

  /** Adds a map; false (with an error about {@code source}) when the name is taken. */
  boolean addMap(String name, ObjectNode map, String source, ImportProblems problems) {
    if (maps.containsKey(name)) {
      problems.errors.add(source + ": a map named \"" + name + "\" exists already");
      return false;
    }
    maps.put(name, map);
    return true;
  }
}
