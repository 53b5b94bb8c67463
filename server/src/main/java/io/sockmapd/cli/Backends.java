package io.sockmapd.cli;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.JsonPaths;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.BackendFactory;
import io.sockmapd.lookup.CacheInvalidation;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.metrics.DaemonMetrics;
import io.sockmapd.sql.LookupChain;
import io.sockmapd.sql.SqlBackend;
import io.sockmapd.sql.notify.CacheListeners;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The backend the command line uses: the one place where the daemon is wired to its maps. */
public final class Backends {
  private static final Duration CHECK_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** SQL maps, each behind the cache its configuration asks for ({@link LookupChain}). */
  public static final BackendFactory DEFAULT =
      new BackendFactory() {
        @Override
        public LookupBackend create(Vertx vertx, SockmapdConfig config) throws ConfigException {
          return LookupChain.build(vertx, config);
        }

        @Override
        public LookupBackend create(Vertx vertx, SockmapdConfig config, DaemonMetrics metrics)
            throws ConfigException {
          return LookupChain.build(vertx, config, metrics);
        }

        @Override
        public CacheInvalidation invalidation(Vertx vertx, DaemonMetrics metrics) {
          return new CacheListeners(vertx, metrics);
        }

        @Override
        public CompletionStage<List<ConfigProblem>> check(Vertx vertx, SockmapdConfig config) {
          SqlBackend backend;
          try {
            backend = LookupChain.sqlMaps(vertx, config);
          } catch (ConfigException e) {
            return CompletableFuture.failedFuture(e);
          }
          return backend
              .check()
              .thenApply(
                  lines -> {
                    // Not awaited: pools still waiting on a silent database would hold the report
                    // for the whole close limit. The command closes Vert.x, and so them, after.
                    backend.close(CHECK_CLOSE_TIMEOUT);
                    return lines.stream().map(line -> problem(line, config)).toList();
                  });
        }
      };

  private Backends() {}

  /**
   * Places a check line ("database X: …", "map M (database X): …") at the config path it is about;
   * a line about a database also says where that database is, so "cannot connect" names the host.
   * The subject is found among the configured names, not parsed out of the line: a database may be
   * called anything ({@code "main db (old): 2"}).
   */
  static ConfigProblem problem(String line, SockmapdConfig config) {
    DatabaseConfig database = null;
    for (DatabaseConfig candidate : config.databases().values()) {
      String subject = "database " + candidate.name() + ":";
      if (line.startsWith(subject)
          && (database == null || candidate.name().length() > database.name().length())) {
        database = candidate;
      }
    }
    if (database != null) {
      int end = "database ".length() + database.name().length();
      return new ConfigProblem(
          JsonPaths.member("$.databases", database.name()),
          "database " + DatabaseDeadlines.describe(database) + line.substring(end));
    }
    String path = null;
    int longest = -1;
    for (MapConfig map : config.maps().values()) {
      String mapPath = JsonPaths.member("$.maps", map.name());
      List<MapConfig> tables = map.isTableList() ? map.queries() : List.of(map);
      for (int i = 0; i < tables.size(); i++) {
        String name = tables.get(i).name();
        if (line.startsWith("map " + name + " (database ") && name.length() > longest) {
          longest = name.length();
          path = map.isTableList() ? mapPath + ".queries[" + i + "]" : mapPath;
        }
      }
    }
    return new ConfigProblem(path == null ? "$" : path, line);
  }
}
