package io.sockmapd.sql;

import io.sockmapd.codec.PolicyRequest;
import io.sockmapd.policy.PolicyRule;
import io.sockmapd.policy.PolicyRuleException;
import io.sockmapd.sql.text.ValueText;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collector;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * A policy rule that runs one statement: the request's attributes named in the query are its bind
 * parameters (an attribute the request lacks is bound as the empty string, as Postfix sends a
 * missing value), and the first column of the first row is the rule's answer. Only that value is
 * kept while the rows arrive. The database's executor gives the deadline ({@code lookup_timeout}),
 * {@code max_in_flight} and failover, as for a map.
 *
 * <p>A request whose value for one of the query's attributes was not valid UTF-8 gets no answer
 * from the rule: such a value can't be in a UTF-8 database, and its mangled form could match
 * something else.
 */
public final class SqlPolicyRule implements PolicyRule {
  private static final Logger LOG = LogManager.getLogger(SqlPolicyRule.class);

  private final NamedParameterQuery query;
  private final SqlExecutor executor;
  private final ValueText valueText;

  SqlPolicyRule(NamedParameterQuery query, SqlDialect dialect, SqlExecutor executor) {
    this.query = query;
    this.executor = executor;
    this.valueText = ValueText.forDialect(dialect);
  }

  @Override
  public CompletionStage<Optional<String>> evaluate(PolicyRequest request) {
    Tuple params = Tuple.tuple();
    for (String name : query.names()) {
      String value = request.attribute(name);
      if (value != null && !request.isValueValidUtf8(name)) {
        LOG.debug("{}: attribute {} is not valid UTF-8; rule not asked", describe(), name);
        return CompletableFuture.completedFuture(Optional.empty());
      }
      params.addString(value == null ? "" : value);
    }
    Future<Optional<String>> answer;
    try {
      answer = executor.collect(query.sql(), params, firstValue());
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    return answer.recover(SqlPolicyRule::failure).toCompletionStage();
  }

  /** Keeps the text of the first row's first column; later rows are read and dropped. */
  private Collector<Row, ?, Optional<String>> firstValue() {
    return Collector.<Row, FirstValue, Optional<String>>of(
        FirstValue::new,
        (first, row) -> {
          if (!first.seen) {
            first.seen = true;
            first.text = valueText.text(row.getValue(0));
          }
        },
        MapQuery.sequentialOnly(),
        first -> Optional.ofNullable(first.text));
  }

  private static final class FirstValue {
    boolean seen;
    @Nullable String text;
  }

  /** The failure as the policy logs it: the classifier's reason and detail, no request data. */
  private static Future<Optional<String>> failure(Throwable error) {
    SqlErrorClassifier.Outcome outcome = SqlErrorClassifier.classify(error);
    String reason = outcome.result().status() + " " + outcome.result().text();
    return Future.failedFuture(
        new PolicyRuleException(
            outcome.detail().equals(outcome.result().text())
                ? reason
                : reason + ": " + outcome.detail()));
  }

  @Override
  public String describe() {
    return "database " + executor.databaseName();
  }
}
