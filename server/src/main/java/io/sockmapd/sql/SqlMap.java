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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

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
  private final @Nullable LookupBatcher batcher;

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
    BatchSettings batching = executor.batchSettings();
    this.batcher =
        batching == null || !template.hasExpansions()
            ? null
            : new LookupBatcher(
                name,
                template,
                executor,
                batching,
                new LookupBatcher.MapAnswers() {
                  @Override
                  public CompletionStage<LookupResult> plain(CombinedBinding binding) {
                    return SqlMap.this.plain(binding);
                  }

                  @Override
                  public LookupResult answer(List<List<Row>> rowsByForm, List<String> keys) {
                    return firstAnswer(rowsByForm, keys);
                  }

                  @Override
                  public LookupResult failed(Throwable error) {
                    return SqlMap.this.failed(error);
                  }
                });
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
      // PostgreSQL text can't hold NUL: such a key would fail its whole batch.
      if (batcher != null && !containsNul(binding)) {
        return batcher.submit(binding);
      }
      return plain(binding);
    } catch (RuntimeException e) {
      // A bug, not an outage; still one reply, and never "not found".
      LOG.error("map {}: lookup failed unexpectedly", name, e);
      return CompletableFuture.completedFuture(LookupResult.temp("internal error"));
    }
  }

  /** The lookup as one statement of its own. */
  private CompletionStage<LookupResult> plain(CombinedBinding binding) {
    Future<RowSet<Row>> rows;
    try {
      rows = executor.execute(binding.sql(), binding.params());
    } catch (RuntimeException e) {
      rows = Future.failedFuture(e);
    }
    return rows.map(r -> answer(r, binding)).otherwise(this::failed).toCompletionStage();
  }

  private static boolean containsNul(CombinedBinding binding) {
    for (List<Object> form : binding.formParams()) {
      for (Object value : form) {
        if (((String) value).indexOf('\0') >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  private LookupResult answer(RowSet<Row> rows, CombinedBinding binding) {
    if (!binding.tagged()) {
      return formatter.format(rows, 0, binding.keys().get(0));
    }
    List<List<Row>> byForm = new ArrayList<>(binding.keys().size());
    for (int i = 0; i < binding.keys().size(); i++) {
      byForm.add(new ArrayList<>());
    }
    for (Row row : rows) {
      byForm.get(((Number) row.getValue(0)).intValue() - 1).add(row);
    }
    return firstAnswer(byForm, binding.keys());
  }

  /**
   * Rows of each form in database order, forms in precedence order (values from column 1 on, after
   * the form tag); the first form whose values survive formatting wins (a form with only NULLs is
   * "not found", as in Postfix).
   */
  private LookupResult firstAnswer(List<List<Row>> rowsByForm, List<String> keys) {
    for (int form = 0; form < keys.size(); form++) {
      List<Row> rows = rowsByForm.get(form);
      if (rows.isEmpty()) {
        continue;
      }
      LookupResult result = formatter.format(rows, 1, keys.get(form));
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

  /** True when this map's lookups go out in batch statements; for tests. */
  boolean isBatching() {
    return batcher != null && batcher.isBatching();
  }
}
