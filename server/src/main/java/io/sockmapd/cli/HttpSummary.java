package io.sockmapd.cli;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HttpTarget;
import io.sockmapd.config.ListenerConfig;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.PolicyConfig;
import io.sockmapd.config.SockmapdConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@code sockmapd check} says it understood of a configuration with http databases (a
 * postfix-rest-connector file above all, whose translation is otherwise invisible): each listener,
 * the request each http map makes and the one each http policy rule makes. Nothing for a
 * configuration without http databases.
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
      lines.add(
          "map "
              + map.name()
              + ": GET "
              + urls(database, target.path())
              + parameters
              + settings(database));
    }
    for (PolicyConfig policy : config.policies().values()) {
      for (int i = 0; i < policy.rules().size(); i++) {
        DatabaseConfig database = config.databases().get(policy.rules().get(i).database());
        if (!(policy.rules().get(i) instanceof PolicyConfig.HttpRule rule)
            || database == null
            || database.http() == null) {
          continue;
        }
        lines.add(
            "policy "
                + policy.name()
                + " rule "
                + (i + 1)
                + ": POST "
                + urls(database, rule.path())
                + " (the attributes as a form; the body is the action)"
                + settings(database)
                + ", on error "
                + policy.onError());
      }
    }
    return lines;
  }

  private static String urls(DatabaseConfig database, String path) {
    return database.http().urls().stream()
        .map(URI::toString)
        .map(u -> u + path)
        .collect(Collectors.joining(" | "));
  }

  private static String settings(DatabaseConfig database) {
    return ", deadline "
        + DatabaseDeadlines.seconds(database.lookupTimeout())
        + (database.http().authToken().isEmpty() ? "" : ", X-Auth-Token set");
  }
}
