package io.sockmapd.cli;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HttpTarget;
import io.sockmapd.config.ListenerConfig;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@code sockmapd check} says it understood of a configuration with http databases (a
 * postfix-rest-connector file above all, whose translation is otherwise invisible): each listener
 * and the request each http map makes. Nothing for a configuration without http databases.
 */
final class HttpSummary {
  private HttpSummary() {}

  static List<String> lines(SockmapdConfig config) {
    if (config.databases().values().stream().noneMatch(d -> d.type() == DatabaseType.HTTP)) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    for (ListenerConfig listener : config.listeners()) {
      lines.add("listener " + listener);
    }
    for (MapConfig map : config.maps().values()) {
      HttpTarget target = map.http();
      DatabaseConfig database = config.databases().get(map.database());
      if (target == null || database == null || database.http() == null) {
        continue;
      }
      String parameters =
          switch (target.parameters()) {
            case KEY -> "?key=KEY";
            case NAME_AND_KEY -> "?name=" + map.name() + "&key=KEY";
            case FORWARDED_NAME_AND_KEY -> "?name=NAME&key=KEY (NAME: the map Postfix asks for)";
          };
      String urls =
          database.http().urls().stream()
              .map(URI::toString)
              .map(u -> u + target.path())
              .collect(Collectors.joining(" | "));
      lines.add(
          "map "
              + map.name()
              + ": GET "
              + urls
              + parameters
              + ", deadline "
              + DatabaseDeadlines.seconds(database.lookupTimeout())
              + (database.http().authToken().isEmpty() ? "" : ", X-Auth-Token set"));
    }
    return lines;
  }
}
