package io.sockmapd.sql;

import io.sockmapd.http.HttpCluster;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.PolicyLookup;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The {@link LookupBackend} of a configuration's databases: one {@link SqlExecutor} per SQL
 * database and one {@link HttpCluster} per http database, each shared by its maps, and one map each
 * (built by {@link LookupChain}); checks and closes them.
 */
public final class SqlBackend implements LookupBackend {
  private final Map<String, SqlExecutor> executors;

  /** Every query run: one per single-query map, one per table of a table list. */
  private final List<SqlMap> statements;

  private final Map<String, MapLookup> maps;

  private final Map<String, PolicyLookup> policies;

  /** Every policy rule's statement, for {@link #check}. */
  private final List<PolicyStatement> policyStatements;

  /** The http databases used by maps; checked and closed beside the SQL executors. */
  private final List<HttpCluster> httpClusters;

  /**
   * One policy rule's statement as {@code check} prepares it.
   *
   * @param name "policy NAME rule N", for the check's report
   * @param sql the statement with bind markers
   * @param executor the database's own executor (not a map's share of it)
   */
  record PolicyStatement(String name, String sql, SqlExecutor executor) {}

  SqlBackend(
      Map<String, SqlExecutor> executors, List<SqlMap> statements, Map<String, MapLookup> maps) {
    this(executors, statements, maps, Map.of(), List.of(), List.of());
  }

  SqlBackend(
      Map<String, SqlExecutor> executors,
      List<SqlMap> statements,
      Map<String, MapLookup> maps,
      Map<String, PolicyLookup> policies,
      List<PolicyStatement> policyStatements,
      List<HttpCluster> httpClusters) {
    this.executors = Collections.unmodifiableMap(new LinkedHashMap<>(executors));
    this.statements = List.copyOf(statements);
    this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
    this.policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
    this.policyStatements = List.copyOf(policyStatements);
    this.httpClusters = List.copyOf(httpClusters);
  }

  @Override
  public Map<String, PolicyLookup> policies() {
    return policies;
  }

  @Override
  public Map<String, MapLookup> maps() {
    return Collections.unmodifiableMap(maps);
  }

  /**
   * Connects to every database and prepares every map's and policy rule's statements without
   * running them.
   *
   * @return one line per problem, naming the database or map; empty when all is well
   */
  public CompletionStage<List<String>> check() {
    List<Future<List<String>>> perDatabase = new ArrayList<>();
    for (SqlExecutor executor : executors.values()) {
      perDatabase.add(checkDatabase(executor));
    }
    for (HttpCluster cluster : httpClusters) {
      perDatabase.add(cluster.check());
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
              for (SqlMap map : statements) {
                if (map.executor() != executor) {
                  continue;
                }
                for (String sql : map.statementsToCheck()) {
                  Future<Void> prepared =
                      map.checksByDescribing()
                          ? executor.parameterTypes(sql).mapEmpty()
                          : executor.prepare(sql);
                  problems.add(problem(prepared, "map " + map.name(), database));
                }
              }
              for (PolicyStatement policy : policyStatements) {
                if (policy.executor() != executor) {
                  continue;
                }
                problems.add(problem(executor.prepare(policy.sql()), policy.name(), database));
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
    httpClusters.forEach(c -> closing.add(c.close(timeout)));
    return Future.join(closing).<Void>mapEmpty().otherwiseEmpty().toCompletionStage();
  }

  /** "" when {@code prepared} succeeds, else one line naming {@code what} and why it failed. */
  private static Future<String> problem(Future<Void> prepared, String what, String database) {
    return prepared
        .map(v -> "")
        .otherwise(
            e -> {
              SqlErrorClassifier.Outcome why = SqlErrorClassifier.classify(e);
              return what
                  + " (database "
                  + database
                  + "): "
                  + why.result().text()
                  + ": "
                  + why.detail();
            });
  }
}
