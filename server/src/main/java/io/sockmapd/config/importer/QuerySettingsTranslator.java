package io.sockmapd.config.importer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.config.FallbackKey;
import io.sockmapd.config.schema.MapKeys;
import io.sockmapd.config.schema.TableKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A table file's lookup parameters as the settings of one query of a map: {@code query}, {@code
 * result_format}, {@code domain}, {@code expansion_limit}.
 */
final class QuerySettingsTranslator {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final TableFile table;

  QuerySettingsTranslator(TableFile table) {
    this.table = table;
  }

  /**
   * The settings; null when the file has no usable query.
   *
   * @param delimiter main.cf's {@code recipient_delimiter}, for the advice; null when unknown
   * @param adviseFallbacks warn that a {@code %s}-only query may need fallback keys (when the
   *     caller does not know the parameter the table serves)
   */
  @Nullable ObjectNode settings(@Nullable String delimiter, boolean adviseFallbacks) {
    ObjectNode map = NODES.objectNode();
    String query = QueryBuilder.query(table);
    if (query == null) {
      return null;
    }
    map.put(TableKeys.QUERY.name(), query);
    String resultFormat = table.get("result_format");
    if (resultFormat != null && !resultFormat.equals("%s")) {
      map.put(TableKeys.RESULT_FORMAT.name(), resultFormat);
    }
    String domain = table.get("domain");
    if (domain != null && !domain.isBlank()) {
      ArrayNode domains = map.putArray(TableKeys.DOMAIN.name());
      for (String entry : PostfixLists.words(domain)) {
        addDomain(domains, entry);
      }
    }
    String limit = table.get("expansion_limit");
    if (limit != null) {
      try {
        int value = Integer.parseInt(limit.strip());
        if (value < 0) {
          throw new NumberFormatException();
        }
        if (value > 0) {
          map.put(TableKeys.EXPANSION_LIMIT.name(), value);
        }
      } catch (NumberFormatException e) {
        table.error("expansion_limit must be a whole number from 0, got \"" + limit + "\"");
      }
    }
    if (adviseFallbacks && QueryBuilder.usesOnlyTheFullKey(query)) {
      adviseFallbacks(delimiter);
    }
    return map;
  }

  private void adviseFallbacks(@Nullable String delimiter) {
    String example = delimiter == null ? "+" : delimiter;
    String fallbackKeys = " \"" + MapKeys.FALLBACK_KEYS.name() + "\": ";
    String userAtDomain = "\"" + FallbackKey.USER_AT_DOMAIN.configName() + "\"";
    String atDomain = "\"" + FallbackKey.AT_DOMAIN.configName() + "\"";
    table.warn(
        "the query uses only %s. Postfix also looks up partial keys (user@domain, user, @domain)"
            + " in this table where the caller does (e.g. virtual_alias_maps), but a socketmap"
            + " receives only the full key. To keep those answers, add to the map"
            + (delimiter != null && delimiter.isEmpty()
                ? fallbackKeys + "[" + atDomain + "] (main.cf has no recipient_delimiter)"
                : fallbackKeys
                    + "["
                    + userAtDomain
                    + ", "
                    + atDomain
                    + "] and \""
                    + MapKeys.RECIPIENT_DELIMITER.name()
                    + "\": \""
                    + example
                    + "\""
                    + (delimiter == null
                        ? " (or your main.cf recipient_delimiter; --main-cf reads it)"
                        : ""))
            + ".");
  }

  private void addDomain(ArrayNode domains, String entry) {
    if (entry.startsWith("!")) {
      table.error("domain: negated entries (" + entry + ") are not supported");
    } else if (entry.startsWith("/")) {
      try {
        for (String line : Files.readAllLines(Path.of(entry), StandardCharsets.UTF_8)) {
          String content = line.strip();
          if (!content.isEmpty() && !content.startsWith("#")) {
            for (String name : PostfixLists.words(content)) {
              addDomain(domains, name);
            }
          }
        }
        table.warn("domain: the names in " + entry + " were copied into the map's domain list");
      } catch (IOException e) {
        table.error("domain: cannot read " + entry + ": " + e.getMessage());
      }
    } else if (entry.indexOf(':') >= 0) {
      table.error(
          "domain: lookup tables ("
              + entry
              + ") are not supported; list the domain names"
              + " instead");
    } else {
      domains.add(entry.toLowerCase(Locale.ROOT));
    }
  }
}
