package io.sockmapd.sql;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.sql.cluster.ClusterExecutor;
import io.sockmapd.sql.cluster.NodeStateListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The SQL {@link LookupBackend}: one {@link SqlExecutor} per configured database, shared by its
 * maps, and one {@link SqlMap} per map. {@link #create} has the shape of the server's {@code
 * BackendFactory}, so {@code SqlBackend::create} plugs in directly.
 */
public final class SqlBackend implements LookupBackend {
  private static final Logger LOG = LogManager.getLogger(SqlBackend.class);

  private final Map<String, SqlExecutor> executors;
  private final Map<String, SqlMap> maps;

  private SqlBackend(Map<String, SqlExecutor> executors, Map<String, SqlMap> maps) {
    this.executors = Collections.unmodifiableMap(new LinkedHashMap<>(executors));
    this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
  }

  /**
   * Builds the backend with one {@link PoolExecutor} per database. Pools connect lazily; a SQLite
   * database with {@code init_sql} is created and seeded in the background, lookups wait for it.
   *
   * @throws ConfigException when a map's query or result_format is invalid (checked before any pool
   *     is built)
   */
  public static SqlBackend create(Vertx vertx, SockmapdConfig config) throws ConfigException {
    return open(config, database -> executor(vertx, database));
  }

  /**
   * The executor for one database: PostgreSQL and MySQL get a {@link ClusterExecutor} (one pool per
   * host, failover, probes), even with a single host, so a dead or hung server is detected and
   * answered with {@code TEMP} at once; SQLite is a local file and keeps the single pool.
   */
  public static SqlExecutor executor(Vertx vertx, DatabaseConfig database) {
    return switch (database.type()) {
      case POSTGRESQL, MYSQL ->
          new ClusterExecutor(
              vertx,
              database,
              node -> PoolFactory.forNode(vertx, database, node),
              NodeStateListener.NONE);
      case SQLITE -> poolExecutor(vertx, database);
    };
  }

  /**
   * Builds the backend with executors from {@code executors} (for a cluster executor, or a test
   * wrapper).
   */
  public static SqlBackend open(
      SockmapdConfig config, Function<DatabaseConfig, SqlExecutor> executors)
      throws ConfigException {
    validate(config);
    Map<String, SqlExecutor> byDatabase = new LinkedHashMap<>();
    Map<String, SqlMap> maps = new LinkedHashMap<>();
    for (MapConfig map : config.maps().values()) {
      DatabaseConfig database = config.databases().get(map.database());
      SqlExecutor executor =
          byDatabase.computeIfAbsent(map.database(), n -> executors.apply(database));
      maps.put(map.name(), SqlMap.create(map, SqlDialect.of(database.type()), executor));
    }
    return new SqlBackend(byDatabase, maps);
  }

  /** Parses every map's query and result format; all problems at once, with JSON paths. */
  private static void validate(SockmapdConfig config) throws ConfigException {
    List<ConfigProblem> problems = new ArrayList<>();
    for (MapConfig map : config.maps().values()) {
      DatabaseConfig database = config.databases().get(map.database());
      String path = "$.maps." + map.name();
      if (database == null) {
        problems.add(new ConfigProblem(path + ".database", "names no configured database"));
        continue;
      }
      SqlDialect dialect = SqlDialect.of(database.type());
      try {
        QueryTemplate.parse(map.query(), dialect);
      } catch (IllegalArgumentException e) {
        problems.add(
            new ConfigProblem(path + ".query", "map " + map.name() + ": " + e.getMessage()));
      }
      try {
        ResultFormatter.parse(map.resultFormat(), map.expansionLimit(), map.name());
      } catch (IllegalArgumentException e) {
        problems.add(
            new ConfigProblem(
                path + ".result_format", "map " + map.name() + ": " + e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("config", problems);
    }
  }

  /** The default executor: one pool per database, seeded first when it is a new SQLite file. */
  public static SqlExecutor poolExecutor(Vertx vertx, DatabaseConfig database) {
    Future<Void> ready = Future.succeededFuture();
    Path script = database.initSql();
    if (database.type() == DatabaseType.SQLITE && script != null) {
      Path file = PoolFactory.sqlitePath(database);
      ready =
          vertx
              .<Void>executeBlocking(
                  () -> {
                    SqliteInitializer.initialize(file, script);
                    return null;
                  },
                  false)
              .recover(
                  e -> {
                    LOG.error(
                        "database {}: cannot create {} from init_sql {}: {}",
                        database.name(),
                        file,
                        script,
                        e.toString());
                    return Future.failedFuture(
                        new LookupFailure(LookupResult.temp("database not initialised")));
                  });
    }
    return new PoolExecutor(vertx, database, PoolFactory.create(vertx, database), ready);
  }

  @Override
  public Map<String, MapLookup> maps() {
    return Collections.unmodifiableMap(maps);
  }

  /**
   * Connects to every database and prepares every map's statements without running them.
   *
   * @return one line per problem, naming the database or map; empty when all is well
   */
  public CompletionStage<List<String>> check() {
    List<Future<List<String>>> perDatabase = new ArrayList<>();
    for (SqlExecutor executor : executors.values()) {
      perDatabase.add(checkDatabase(executor));
    }
    return Future.all(perDatabase)
        .map(
            all -> {
              List<String> problems = new ArrayList<>();
              perDatabase.forEach(f -> problems.addAll(f.result()));
              return problems;
            })
        .toCompletionStage();
  }

  private Future<List<String>> checkDatabase(SqlExecutor executor) {
    String database = executor.databaseName();
    return executor
        .prepare("SELECT 1")
        .map(v -> true)
        .recover(
            e ->
                Future.failedFuture(
                    new CheckProblem(
                        "database "
                            + database
                            + ": cannot connect: "
                            + SqlErrorClassifier.classify(e).result().text()
                            + driverDetail(e))))
        .compose(
            ok -> {
              List<Future<String>> problems = new ArrayList<>();
              for (SqlMap map : maps.values()) {
                if (map.executor() != executor) {
                  continue;
                }
                for (String sql : map.statementsToCheck()) {
                  problems.add(
                      executor
                          .prepare(sql)
                          .map(v -> "")
                          .otherwise(
                              e ->
                                  "map "
                                      + map.name()
                                      + " (database "
                                      + database
                                      + "): "
                                      + SqlErrorClassifier.classify(e).result().text()
                                      + ": "
                                      + SqlErrorClassifier.classify(e).detail()));
                }
              }
              return Future.join(problems)
                  .map(
                      all -> {
                        List<String> lines = new ArrayList<>();
                        problems.forEach(
                            p -> {
                              if (!p.result().isEmpty() && !lines.contains(p.result())) {
                                lines.add(p.result());
                              }
                            });
                        return lines;
                      });
            })
        .recover(e -> Future.succeededFuture(List.of(e.getMessage())));
  }

  /**
   * What the driver or the network said, in parentheses, when there is more to say than our own
   * outcome: the executors' own failures carry no cause (their WARN log line names it).
   */
  private static String driverDetail(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root instanceof LookupFailure ? "" : " (" + root.getMessage() + ")";
  }

  /** A check failure already worded for the report. */
  private static final class CheckProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckProblem(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public CompletionStage<Void> close(Duration timeout) {
    List<Future<Void>> closing = new ArrayList<>();
    executors.values().forEach(e -> closing.add(e.close(timeout)));
    return Future.join(closing).<Void>mapEmpty().otherwiseEmpty().toCompletionStage();
  }
}
