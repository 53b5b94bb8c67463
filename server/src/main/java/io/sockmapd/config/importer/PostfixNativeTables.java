package io.sockmapd.config.importer;

import io.sockmapd.config.FallbackKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The native SQL tables of a Postfix configuration, by the map name {@code import --main-cf} gives
 * them, with the fallback keys Postfix applies for each: what {@code sockmapd verify} asks Postfix
 * ({@code postmap -q}) to compare with sockmapd.
 */
public final class PostfixNativeTables {
  private static final Pattern SQL_TABLE =
      Pattern.compile("(?:proxy:)?((?:pgsql|mysql|sqlite):\\S+)");
  private static final Pattern LIST_ITEM = Pattern.compile("[^\\s,]+");

  /**
   * One parameter's tables.
   *
   * @param tables {@code type:FILE} in list order, without {@code proxy:} (postmap opens the table
   *     itself)
   * @param fallbackKeys the forms Postfix tries after the full key, for this parameter
   * @param recipientDelimiter main.cf's, for the {@code user@domain} form
   */
  public record Tables(
      List<String> tables, List<FallbackKey> fallbackKeys, String recipientDelimiter) {
    public Tables {
      tables = List.copyOf(tables);
      fallbackKeys = List.copyOf(fallbackKeys);
    }
  }

  private final Map<String, Tables> byMap;

  private PostfixNativeTables(Map<String, Tables> byMap) {
    this.byMap = Map.copyOf(byMap);
  }

  /**
   * Reads main.cf (through {@code postconf -n} when installed); null with errors when it can't be
   * read. Only main.cf parameters are known, not master.cf overrides or restriction lists.
   */
  public static @Nullable PostfixNativeTables read(
      Path mainCf, java.util.function.Consumer<String> errors) {
    PostfixMainConfig config = PostfixMainConfig.read(mainCf, true, w -> {}, errors);
    if (config == null) {
      return null;
    }
    String delimiter = config.expanded("recipient_delimiter");
    Map<String, Tables> byMap = new java.util.LinkedHashMap<>();
    for (String parameter : config.main().keySet()) {
      if (parameter.endsWith("_restrictions")) {
        continue;
      }
      List<String> tables = new ArrayList<>();
      Matcher items = LIST_ITEM.matcher(config.expanded(parameter));
      while (items.find()) {
        Matcher table = SQL_TABLE.matcher(items.group());
        if (table.matches()) {
          tables.add(table.group(1));
        }
      }
      if (!tables.isEmpty()) {
        byMap.put(
            parameter,
            new Tables(
                tables, ParameterSemantics.of(parameter).fallbackKeys(delimiter), delimiter));
      }
    }
    return new PostfixNativeTables(byMap);
  }

  /** The tables behind a map, or null when main.cf has no such parameter with SQL tables. */
  public @Nullable Tables forMap(String map) {
    return byMap.get(map);
  }
}
