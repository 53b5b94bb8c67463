package io.sockmapd.cli;

import io.sockmapd.Daemon;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.JsonPaths;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.Level;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sockmapd check}: validate a configuration and report every problem at once. */
@Command(
    name = "check",
    description = {
      "Validate the configuration: print every problem with its JSON path and exit 1,",
      "or print a summary and exit 0."
    })
final class CheckCommand implements Callable<Integer> {
  /** Time allowed for the backend's checks when the config names no database. */
  static final Duration NO_DATABASE_CHECK = Duration.ofSeconds(10);

  private final Main main;
  @Mixin ConfigOption config;

  CheckCommand(Main main) {
    this.main = main;
  }

  @Override
  public Integer call() throws InterruptedException {
    main.configureLogging(Level.WARN);
    String source = config.file.toString();
    SockmapdConfig loaded;
    try {
      loaded = config.load();
    } catch (ConfigException e) {
      main.fail(e);
      return Main.CONFIG_ERROR;
    }
    // Only Vert.x: the backend's check builds what it checks. A serving backend built beside it
    // would open every pool twice and run a SQLite init_sql twice on one file, side by side.
    Vertx vertx = Daemon.newVertx();
    try {
      List<ConfigProblem> problems = backendProblems(vertx, loaded, source);
      // Reported before Vert.x closes: closing pools that wait on a silent database takes time of
      // its own, and the outcome is known now.
      if (!problems.isEmpty()) {
        main.fail(new ConfigException(source, problems));
        main.err.flush();
        // 1, not 78: what the databases report (one down, a table missing) may be gone on the
        // next try, and an ExecStartPre check must not stop systemd from trying again.
        return Main.FAILED;
      }
      int policies = loaded.policies().size();
      main.out.printf(
          "config OK: %d maps, %d databases, %d listeners%s%n",
          loaded.maps().size(),
          loaded.databases().size(),
          loaded.listen().size() + (loaded.controlSocket() == null ? 0 : 1),
          policies == 0 ? "" : policies == 1 ? ", 1 policy" : ", " + policies + " policies");
      HttpSummary.lines(loaded).forEach(main.out::println);
      main.out.flush();
      return Main.OK;
    } catch (ConfigException e) {
      main.fail(e);
      return Main.CONFIG_ERROR;
    } finally {
      Daemon.closeVertx(vertx, BackendSession.CLOSE_TIMEOUT);
    }
  }

  /**
   * Checks each database on its own, side by side, each under a deadline from its own timeouts, so
   * a database that accepts connections but never answers is named as the one that did not answer,
   * and the others are still reported.
   */
  private List<ConfigProblem> backendProblems(Vertx vertx, SockmapdConfig loaded, String source)
      throws InterruptedException, ConfigException {
    List<ConfigProblem> configProblems = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    if (loaded.databases().isEmpty()) {
      problems.addAll(
          await(
              main.backends.check(vertx, loaded).toCompletableFuture(),
              NO_DATABASE_CHECK,
              null,
              configProblems));
    } else {
      Map<DatabaseConfig, CompletableFuture<List<ConfigProblem>>> running = new LinkedHashMap<>();
      for (DatabaseConfig database : loaded.databases().values()) {
        running.put(
            database,
            main.backends.check(vertx, onlyDatabase(loaded, database)).toCompletableFuture());
      }
      long start = System.nanoTime();
      for (Map.Entry<DatabaseConfig, CompletableFuture<List<ConfigProblem>>> check :
          running.entrySet()) {
        Duration allowed = DatabaseDeadlines.check(check.getKey());
        Duration remaining = allowed.minusNanos(System.nanoTime() - start);
        problems.addAll(await(check.getValue(), remaining, check.getKey(), configProblems));
      }
    }
    if (!configProblems.isEmpty()) {
      // A query or result_format the backend can't use is a config error, whatever the
      // databases said: exit 78, as for any other.
      throw new ConfigException(source, configProblems);
    }
    return problems;
  }

  /** One check's problems; a configuration it can't serve goes to {@code configProblems}. */
  private static List<ConfigProblem> await(
      CompletableFuture<List<ConfigProblem>> check,
      Duration remaining,
      @Nullable DatabaseConfig database,
      List<ConfigProblem> configProblems)
      throws InterruptedException {
    try {
      return check.get(Math.max(0, remaining.toMillis()), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConfigException config) {
        configProblems.addAll(config.problems());
        return List.of();
      }
      return List.of(new ConfigProblem("$", "backend check failed: " + e.getCause()));
    } catch (TimeoutException e) {
      if (database == null) {
        return List.of(new ConfigProblem("$", "the backend check did not finish in time"));
      }
      return List.of(
          new ConfigProblem(
              JsonPaths.member("$.databases", database.name()),
              "database "
                  + DatabaseDeadlines.describe(database)
                  + ": did not answer within "
                  + DatabaseDeadlines.seconds(DatabaseDeadlines.check(database))
                  + " (connect_timeout + lookup_timeout, twice, + 1 s)"));
    }
  }

  /** The config cut down to one database and the maps that use it. */
  private static SockmapdConfig onlyDatabase(SockmapdConfig config, DatabaseConfig database) {
    Map<String, MapConfig> maps = new LinkedHashMap<>();
    config
        .maps()
        .forEach(
            (name, map) -> {
              if (map.isTableList()) {
                // Only the list's tables on this database: each database is checked on its own.
                List<MapConfig> tables =
                    map.queries().stream()
                        .filter(t -> t.database().equals(database.name()))
                        .toList();
                if (!tables.isEmpty()) {
                  maps.put(name, withTables(map, tables));
                }
              } else if (map.database().equals(database.name())) {
                maps.put(name, map);
              }
            });
    return new SockmapdConfig(
        config.listen(),
        config.unixSocketMode(),
        config.limits(),
        config.shutdownTimeout(),
        Map.of(database.name(), database),
        maps,
        config.controlSocket());
  }

  private static MapConfig withTables(MapConfig list, List<MapConfig> tables) {
    return new MapConfig(
        list.name(),
        tables.get(0).database(),
        list.query(),
        list.resultFormat(),
        list.domain(),
        list.expansionLimit(),
        list.foldCase(),
        list.recipientDelimiter(),
        list.fallbackKeys(),
        list.cache(),
        list.smtputf8Enable(),
        tables);
  }
}
