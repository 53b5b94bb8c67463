package io.sockmapd.config.importer;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.SockmapdConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One native Postfix SQL table ({@code pgsql:FILE.cf}) as {@code verify --sample} needs it: the
 * columns its key is matched against and the database its own connection settings reach.
 *
 * @param table {@code type:FILE}, as main.cf names it (without {@code proxy:})
 * @param keyColumns the key columns, or why they are unknown
 * @param database the file's connection settings as a sockmapd database; null when they can't be
 *     converted ({@code problems} say why)
 * @param problems why the table can't be sampled
 */
public record NativeTable(
    String table,
    KeyColumns.Found keyColumns,
    @Nullable DatabaseConfig database,
    List<String> problems) {
  public NativeTable {
    problems = List.copyOf(problems);
  }

  /** Reads {@code table}'s file; every failure ends up in {@link #problems()}. */
  public static NativeTable read(String table) {
    List<String> problems = new ArrayList<>();
    String file = table.substring(table.indexOf(':') + 1);
    KeyColumns.Found columns;
    try {
      Map<String, String> parameters =
          PostfixConfigFile.parse(
              Files.readAllLines(Path.of(file), StandardCharsets.UTF_8), w -> {}, problems::add);
      columns = KeyColumns.of(parameters);
    } catch (IOException e) {
      problems.add(file + ": cannot read: " + e.getMessage());
      return new NativeTable(table, KeyColumns.Found.unknown("unreadable"), null, problems);
    }
    // The importer's own translation, so the connection is the one `import` would write for it.
    PostfixTableImporter.Result imported =
        PostfixTableImporter.importTables(List.of(table), null, null);
    String json = imported.json();
    if (json == null) {
      problems.addAll(imported.errors());
      return new NativeTable(table, columns, null, problems);
    }
    try {
      SockmapdConfig config = new ConfigLoader(name -> "").parse(json, table, Path.of(""));
      return new NativeTable(
          table, columns, config.databases().values().iterator().next(), problems);
    } catch (ConfigException e) {
      problems.add(e.getMessage());
      return new NativeTable(table, columns, null, problems);
    }
  }
}
