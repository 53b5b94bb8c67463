package io.sockmapd.sql;

import io.sockmapd.cache.CachingBackend;
import io.sockmapd.cluster.NodeStateListener;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.HttpTarget;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.PolicyConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.http.HttpCluster;
import io.sockmapd.http.HttpMap;
import io.sockmapd.http.HttpPolicyRule;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.PolicyLookup;
import io.sockmapd.metrics.DaemonMetrics;
import io.sockmapd.policy.PolicyEngine;
import io.sockmapd.policy.PolicyRule;
import io.sockmapd.sql.cluster.ClusterExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Where each map's lookup chain is built, outermost first, per engine:
 *
 * <pre>
 * cache     CachedMapLookup          when the map has "cache"                  (all engines)
 * map       TableListMap of SqlMaps  for a table list ("queries")
 *           SqlMap                   KeyPolicy, QueryTemplate, MapQuery
 * batcher   LookupBatcher            BatchScheduler + LateralBatchForm         (PostgreSQL)
 *                                    BatchScheduler + UnionBatchForm           (MySQL, MariaDB)
 *                                    none: one statement per lookup            (SQLite)
 * executor  ClusterExecutor          one pool per node, failover               (PostgreSQL, MySQL)
 *           PoolExecutor             one pool, seeded from init_sql            (SQLite)
 *
 * http maps: cache → HttpMap (KeyPolicy, GET per key form) → HttpCluster (one web client per
 * URL, the same node failover, deadline and max_in_flight as SQL)
 *
 * policies: PolicyEngine (rules in order) → SqlPolicyRule  → the database's executor, a map's share
 *                                         → HttpPolicyRule → HttpCluster (POST of the attributes)
 * </pre>
 *
 * One executor per database serves all of its maps; every map's lookups use it within the map's
 * share of the connections ({@link SqlExecutor#forMap}).
 */
public final class LookupChain {
  private static final Logger LOG = LogManager.getLogger(LookupChain.class);

  private LookupChain() {}

  /**
   * The maps of {@code config}, each behind the cache its configuration asks for. Pools connect
   * lazily; a SQLite database with {@code init_sql} is created and seeded in the background.
   *
   * @throws ConfigException when a map's query or result_format is invalid (checked before any pool
   *     is built)
   */
  public static LookupBackend build(Vertx vertx, SockmapdConfig config) throws ConfigException {
    return build(vertx, config, DaemonMetrics.NONE);
  }

  /**
   * As {@link #build(Vertx, SockmapdConfig)}, with the caches' statistics and the database nodes'
   * states reported to {@code metrics}.
   */
  public static LookupBackend build(Vertx vertx, SockmapdConfig config, DaemonMetrics metrics)
      throws ConfigException {
    NodeStateListener nodes = nodeStates(metrics);
    // The caches share one memory budget, so they are put in front of all maps at once.
    return CachingBackend.wrap(
        sqlMaps(
            config,
            database -> executor(vertx, database, nodes),
            database -> new HttpCluster(vertx, database, nodes)),
        config,
        metrics);
  }

  /** Node state changes as metrics: the node_up gauges, failovers and readiness read them. */
  private static NodeStateListener nodeStates(DaemonMetrics metrics) {
    if (metrics == DaemonMetrics.NONE) {
      return NodeStateListener.NONE;
    }
    return new NodeStateListener() {
      @Override
      public void nodeDown(String database, HostAndPort node, String reason) {
        metrics.nodeDown(database, node.toString());
      }

      @Override
      public void nodeUp(String database, HostAndPort node) {
        metrics.nodeUp(database, node.toString());
      }
    };
  }

  /** The maps of {@code config} without caches, with the engine's executor for each database. */
  public static SqlBackend sqlMaps(Vertx vertx, SockmapdConfig config) throws ConfigException {
    return sqlMaps(
        config,
        database -> executor(vertx, database),
        database -> new HttpCluster(vertx, database, NodeStateListener.NONE));
  }

  /**
   * The maps of {@code config} without caches, with executors from {@code executors} (one call per
   * database used; a test wrapper, say).
   */
  public static SqlBackend sqlMaps(
      SockmapdConfig config, Function<DatabaseConfig, SqlExecutor> executors)
      throws ConfigException {
    return sqlMaps(
        config,
        executors,
        database -> {
          throw new IllegalArgumentException("no http clusters here: " + database.name());
        });
  }

  /**
   * As {@link #sqlMaps(SockmapdConfig, Function)}, with the maps on {@code http} databases asking
   * the cluster {@code httpClusters} builds (one call per database used).
   */
  public static SqlBackend sqlMaps(
      SockmapdConfig config,
      Function<DatabaseConfig, SqlExecutor> executors,
      Function<DatabaseConfig, HttpCluster> httpClusters)
      throws ConfigException {
    validate(config);
    Map<String, SqlExecutor> byDatabase = new LinkedHashMap<>();
    Map<String, HttpCluster> clusters = new LinkedHashMap<>();
    List<SqlMap> statements = new ArrayList<>();
    Map<String, MapLookup> maps = new LinkedHashMap<>();
    for (MapConfig map : config.maps().values()) {
      HttpTarget target = map.http();
      if (target != null) {
        // An http map asks its database's nodes; no SQL, no batching.
        HttpCluster cluster =
            clusters.computeIfAbsent(
                map.database(), n -> httpClusters.apply(config.databases().get(n)));
        maps.put(map.name(), new HttpMap(map.name(), KeyPolicy.of(map), target, cluster));
        continue;
      }
      List<SqlMap> tables = new ArrayList<>();
      for (MapConfig table : tablesOf(map)) {
        DatabaseConfig database = config.databases().get(table.database());
        SqlExecutor executor =
            byDatabase.computeIfAbsent(table.database(), n -> executors.apply(database));
        tables.add(
            sqlMap(
                table, SqlDialect.of(database.type()), executor, config.limits().maxReplySize()));
      }
      statements.addAll(tables);
      maps.put(
          map.name(),
          map.isTableList()
              ? new TableListMap(map.name(), KeyPolicy.of(map), tables)
              : tables.get(0));
    }
    Map<String, PolicyLookup> policies = new LinkedHashMap<>();
    List<SqlBackend.PolicyStatement> policyStatements = new ArrayList<>();
    for (PolicyConfig policy : config.policies().values()) {
      List<PolicyRule> rules = new ArrayList<>();
      for (int i = 0; i < policy.rules().size(); i++) {
        String ruleName = "policy " + policy.name() + " rule " + (i + 1);
        PolicyConfig.Rule rule = policy.rules().get(i);
        DatabaseConfig database = config.databases().get(rule.database());
        if (rule instanceof PolicyConfig.HttpRule http) {
          rules.add(
              new HttpPolicyRule(
                  http.path(),
                  clusters.computeIfAbsent(http.database(), n -> httpClusters.apply(database))));
        } else if (rule instanceof PolicyConfig.SqlRule sql) {
          SqlDialect dialect = SqlDialect.of(database.type());
          SqlExecutor executor =
              byDatabase.computeIfAbsent(sql.database(), n -> executors.apply(database));
          NamedParameterQuery query = NamedParameterQuery.parse(sql.query(), dialect);
          policyStatements.add(new SqlBackend.PolicyStatement(ruleName, query.sql(), executor));
          rules.add(
              new SqlPolicyRule(
                  query,
                  dialect,
                  // Within a share of the connections, as a map: a policy whose statements hang
                  // can't starve the maps on the same database.
                  executor.forMap(ruleName)));
        }
      }
      policies.put(policy.name(), new PolicyEngine(policy.name(), rules, policy.onError()));
    }
    return new SqlBackend(
        byDatabase, statements, maps, policies, policyStatements, List.copyOf(clusters.values()));
  }

  /**
   * One single-query map on {@code executor}, batching its lookups when the engine can.
   *
   * @param maxReplySize {@code limits.max_reply_size}: a lookup keeps no more of its result than
   *     one reply can carry
   * @throws IllegalArgumentException when {@code query} or {@code result_format} is invalid; the
   *     message starts with the offending key name
   */
  public static SqlMap sqlMap(
      MapConfig map, SqlDialect dialect, SqlExecutor executor, int maxReplySize) {
    QueryTemplate template;
    try {
      template = QueryTemplate.parse(map.query(), dialect);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("query: " + e.getMessage(), e);
    }
    ResultFormatter formatter;
    try {
      formatter =
          ResultFormatter.parse(
              map.resultFormat(), map.expansionLimit(), maxReplySize, map.name(), dialect);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("result_format: " + e.getMessage(), e);
    }
    SqlExecutor lookups = executor.forMap(map.name());
    MapQuery query =
        new MapQuery(
            template, formatter, lookups, new FailureLog(map.name(), executor.databaseName()));
    LookupBatcher batcher = batcher(map.name(), template, query, lookups, executor.batchSettings());
    return new SqlMap(map.name(), KeyPolicy.of(map), template, query, executor, batcher);
  }

  /**
   * The batcher for one map; null when its engine runs one statement per lookup ({@code settings}
   * null: SQLite) or its query expands nothing (the same answer for every key).
   */
  private static @Nullable LookupBatcher batcher(
      String mapName,
      QueryTemplate template,
      MapQuery query,
      SqlExecutor lookups,
      @Nullable BatchSettings settings) {
    if (settings == null || !template.hasExpansions()) {
      return null;
    }
    BatchForm form =
        switch (template.dialect()) {
          case POSTGRESQL -> new LateralBatchForm(template, lookups);
          case MYSQL -> UnionBatchForm.of(mapName, template, lookups);
          case SQLITE -> null;
        };
    return form == null ? null : new LookupBatcher(mapName, query, form, lookups, settings);
  }

  /**
   * The executor for one database: PostgreSQL and MySQL get a {@link ClusterExecutor} (one pool per
   * host, failover, probes), even with a single host, so a dead or hung server is detected and
   * answered with {@code TEMP} at once; SQLite is a local file and keeps the single pool.
   */
  public static SqlExecutor executor(Vertx vertx, DatabaseConfig database) {
    return executor(vertx, database, NodeStateListener.NONE);
  }

  private static SqlExecutor executor(
      Vertx vertx, DatabaseConfig database, NodeStateListener nodes) {
    return switch (database.type()) {
      case POSTGRESQL, MYSQL ->
          new ClusterExecutor(
              vertx, database, node -> PoolFactory.forNode(vertx, database, node), nodes);
      case SQLITE -> poolExecutor(vertx, database);
      case HTTP ->
          throw new IllegalArgumentException(
              "database " + database.name() + " is http: its maps ask an HttpCluster");
    };
  }

  /** One pool for the database, seeded first when it is a new SQLite file with init_sql. */
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

  /** The single-query maps a map is made of: itself, or each table of a table list. */
  private static List<MapConfig> tablesOf(MapConfig map) {
    return map.isTableList() ? map.queries() : List.of(map);
  }

  /** Parses every map's query and result format; all problems at once, with JSON paths. */
  private static void validate(SockmapdConfig config) throws ConfigException {
    List<ConfigProblem> problems = new ArrayList<>();
    for (MapConfig map :
        config.maps().values().stream().flatMap(m -> tablesOf(m).stream()).toList()) {
      DatabaseConfig database = config.databases().get(map.database());
      String path = "$.maps." + map.name().replaceFirst("\\[", ".queries[");
      if (database == null) {
        problems.add(new ConfigProblem(path + ".database", "names no configured database"));
        continue;
      }
      if (map.http() != null || !database.type().isSql()) {
        continue; // an http map has no SQL to parse
      }
      SqlDialect dialect = SqlDialect.of(database.type());
      try {
        QueryTemplate.parse(map.query(), dialect);
      } catch (IllegalArgumentException e) {
        problems.add(
            new ConfigProblem(path + ".query", "map " + map.name() + ": " + e.getMessage()));
      }
      try {
        ResultFormatter.parse(
            map.resultFormat(),
            map.expansionLimit(),
            config.limits().maxReplySize(),
            map.name(),
            dialect);
      } catch (IllegalArgumentException e) {
        problems.add(
            new ConfigProblem(
                path + ".result_format", "map " + map.name() + ": " + e.getMessage()));
      }
    }
    config
        .policies()
        .forEach(
            (name, policy) -> {
              for (int i = 0; i < policy.rules().size(); i++) {
                PolicyConfig.Rule rule = policy.rules().get(i);
                String path = "$.policies." + name + ".rules[" + i + "]";
                DatabaseConfig database = config.databases().get(rule.database());
                if (database == null) {
                  problems.add(
                      new ConfigProblem(path + ".database", "names no configured database"));
                  continue;
                }
                if (!(rule instanceof PolicyConfig.SqlRule sql)) {
                  continue; // an http rule's path was checked as the file was read
                }
                try {
                  NamedParameterQuery.parse(sql.query(), SqlDialect.of(database.type()));
                } catch (IllegalArgumentException e) {
                  problems.add(
                      new ConfigProblem(path + ".query", "policy " + name + ": " + e.getMessage()));
                }
              }
            });
    if (!problems.isEmpty()) {
      throw new ConfigException("config", problems);
    }
  }
}
