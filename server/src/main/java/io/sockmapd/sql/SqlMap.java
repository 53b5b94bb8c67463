package io.sockmapd.sql;

import io.sockmapd.config.MapConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.sql.QueryTemplate.CombinedBinding;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One map answered from SQL: {@link KeyPolicy} picks the key forms, {@link QueryTemplate} binds
 * them into one statement, the {@link SqlExecutor} runs it, {@link ResultFormatter} turns the rows
 * of the first form that has any into the value. Never completes exceptionally.
 */
public final class SqlMap implements MapLookup {
  private static final Logger LOG = LogManager.getLogger(SqlMap.class);

  private final String name;
  private final KeyPolicy policy;
  private final QueryTemplate template;
  private final ResultFormatter formatter;
  private final SqlExecutor executor;
  private final FailureLog failures;

  SqlMap(
      String name,
      KeyPolicy policy,
      QueryTemplate template,
      ResultFormatter formatter,
      SqlExecutor executor) {
    this.name = name;
    this.policy = policy;
    this.template = template;
    this.formatter = formatter;
    this.executor = executor;
    this.failures = new FailureLog(name, executor.databaseName());
    if (policy.maxForms() > QueryTemplate.MAX_FORMS) {
      throw new IllegalArgumentException("too many key forms");
    }
  }

  /**
   * Builds a map from its config.
   *
   * @throws IllegalArgumentException when {@code query} or {@code result_format} is invalid; the
   *     message starts with the offending key name
   */
  public static SqlMap create(MapConfig map, SqlDialect dialect, SqlExecutor executor) {
    QueryTemplate template;
    try {
      template = QueryTemplate.parse(map.query(), dialect);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("query: " + e.getMessage(), e);
    }
    ResultFormatter formatter;
    try {
      formatter = ResultFormatter.parse(map.resultFormat(), map.expansionLimit(), map.name());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("result_format: " + e.getMessage(), e);
    }
    return new SqlMap(map.name(), KeyPolicy.of(map), template, formatter, executor);
  }

  public String name() {
    return name;
  }

  SqlExecutor executor() {
    return executor;
  }

  /** The statements a check should prepare: the plain query and, with fallbacks, the combined. */
  List<String> statementsToCheck() {
    int forms = policy.maxForms();
    return forms > 1
        ? List.of(template.sql(), template.combinedSql(forms))
        : List.of(template.sql());
  }

  @Override
  public CompletionStage<LookupResult> lookup(String key) {
    try {
      CombinedBinding binding = template.bindAll(policy.forms(key));
      if (binding.keys().isEmpty()) {
        return CompletableFuture.completedFuture(LookupResult.notFound());
      }
      Future<RowSet<Row>> rows = executor.execute(binding.sql(), binding.params());
      return rows.map(r -> answer(r, binding)).otherwise(this::failed).toCompletionStage();
    } catch (RuntimeException e) {
      // A bug, not an outage; still one reply, and never "not found".
      LOG.error("map {}: lookup failed unexpectedly", name, e);
      return CompletableFuture.completedFuture(LookupResult.temp("internal error"));
    }
  }

  private LookupResult answer(RowSet<Row> rows, CombinedBinding binding) {
    if (!binding.tagged()) {
      return formatter.format(rows, 0, binding.keys().get(0));
    }
    // Rows of each form in database order, forms in precedence order; the first form whose
    // values survive formatting wins (a form with only NULLs is "not found", as in Postfix).
    Map<Integer, List<Row>> byForm = new TreeMap<>();
    for (Row row : rows) {
      int form = ((Number) row.getValue(0)).intValue();
      byForm.computeIfAbsent(form, f -> new ArrayList<>()).add(row);
    }
    for (Map.Entry<Integer, List<Row>> entry : byForm.entrySet()) {
      LookupResult result =
          formatter.format(entry.getValue(), 1, binding.keys().get(entry.getKey() - 1));
      if (result.status() != io.sockmapd.codec.SocketmapStatus.NOTFOUND) {
        return result;
      }
    }
    return LookupResult.notFound();
  }

  private LookupResult failed(Throwable error) {
    SqlErrorClassifier.Outcome outcome = SqlErrorClassifier.classify(error);
    failures.log(outcome);
    return outcome.result();
  }
}
