package io.sockmapd.sql;

import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.QueryTemplate.CombinedBinding;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BinaryOperator;
import java.util.stream.Collector;
import org.jspecify.annotations.Nullable;

/**
 * One map's query and how its answers are made: a lookup run as a statement of its own ({@link
 * StatementText}: with its parameters typed on PostgreSQL), each key form's rows taken as they
 * arrive into a value no longer than one reply ({@link ResultFormatter}), the first form with a
 * value answering, and failures answered and logged ({@link FailureLog}). {@link SqlMap} and its
 * {@link LookupBatcher} both answer through it.
 */
final class MapQuery {
  private final ResultFormatter formatter;

  /** The executor as this map's lookups use it: within the map's share of the connections. */
  private final SqlExecutor lookups;

  private final StatementText statements;
  private final FailureLog failures;

  MapQuery(
      QueryTemplate template, ResultFormatter formatter, SqlExecutor lookups, FailureLog failures) {
    this.formatter = formatter;
    this.lookups = lookups;
    this.statements = StatementText.of(template, lookups);
    this.failures = failures;
  }

  /** The lookup as one statement of its own; never completes exceptionally. */
  CompletionStage<LookupResult> plain(CombinedBinding binding) {
    Future<LookupResult> answer;
    try {
      answer =
          statements
              .sql(binding)
              .compose(sql -> lookups.collect(sql, binding.params(), answerCollector(binding)));
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    return answer.otherwise(this::failed).toCompletionStage();
  }

  /**
   * An empty answer for one key form of a tagged statement, fed its rows (values from column 1 on)
   * as they arrive and bounded by the reply limits.
   */
  ResultFormatter.Values values(String key) {
    return formatter.values(key, 1);
  }

  /**
   * Takes the rows of one lookup's statement one by one into a bounded answer per key form (routed
   * by the form tag when there are several forms), then answers from the forms in precedence order.
   */
  private Collector<Row, ?, LookupResult> answerCollector(CombinedBinding binding) {
    List<String> keys = binding.keys();
    if (!binding.tagged()) {
      return Collector.of(
          () -> formatter.values(keys.get(0), 0),
          ResultFormatter.Values::add,
          MapQuery.sequentialOnly(),
          ResultFormatter.Values::result);
    }
    return Collector.<Row, List<ResultFormatter.Values>, LookupResult>of(
        () -> {
          List<ResultFormatter.Values> forms = new ArrayList<>(keys.size());
          keys.forEach(key -> forms.add(values(key)));
          return forms;
        },
        (forms, row) -> forms.get(((Number) row.getValue(0)).intValue() - 1).add(row),
        MapQuery.sequentialOnly(),
        MapQuery::firstAnswer);
  }

  /**
   * The combiner of a row collector: the drivers feed a collector from one thread, one row after
   * another, so containers are never combined.
   */
  static <T> BinaryOperator<T> sequentialOnly() {
    return (left, right) -> {
      throw new UnsupportedOperationException("rows are collected sequentially");
    };
  }

  /**
   * The answers of each form in precedence order (null: a form without rows); the first form with a
   * value (or a limit's error) wins. A form with only NULLs is "not found", as in Postfix.
   */
  static LookupResult firstAnswer(List<ResultFormatter.@Nullable Values> forms) {
    for (ResultFormatter.Values form : forms) {
      if (form != null && !form.isEmpty()) {
        return form.result();
      }
    }
    return LookupResult.notFound();
  }

  /** The answer to a failure, logged without flooding. */
  LookupResult failed(Throwable error) {
    SqlErrorClassifier.Outcome outcome = SqlErrorClassifier.classify(error);
    failures.log(outcome);
    return outcome.result();
  }
}
