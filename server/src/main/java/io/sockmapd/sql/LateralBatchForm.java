package io.sockmapd.sql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * PostgreSQL's batch statement: the map's own query runs once per key form through {@code CROSS
 * JOIN LATERAL} over {@code unnest} of one text array per bind parameter {@code WITH ORDINALITY}.
 * Each parameter is cast to the type PostgreSQL infers for it in the plain query (found once with
 * {@link SqlExecutor#parameterTypes}), so comparisons mean what they mean in the plain query. A
 * query that cannot be a lateral subquery, or a parameter type without a cast from text, does not
 * prepare: that map is not batched.
 */
final class LateralBatchForm implements BatchForm {

  /** Key forms in one batch statement at most. */
  static final int MAX_ROWS = 128;

  private final QueryTemplate template;
  private final SqlExecutor executor;

  LateralBatchForm(QueryTemplate template, SqlExecutor executor) {
    this.template = template;
    this.executor = executor;
  }

  @Override
  public int maxRows() {
    return MAX_ROWS;
  }

  /** The plain query's parameter types, then the lateral statement must prepare. */
  @Override
  public Future<BatchStatement> prepare() {
    return executor
        .parameterTypes(template.sql())
        .compose(
            types -> {
              if (types.size() != template.parameterCount()) {
                return Future.failedFuture(
                    new IllegalStateException(
                        types.size() + " parameter types for " + template.parameterCount()));
              }
              String sql = statement(template, types);
              return BatchForm.prepareOrRefuse(executor, sql)
                  .map(v -> (BatchStatement) forms -> bind(sql, forms));
            });
  }

  /** One text array per bind parameter, one element per key form. */
  private QueryTemplate.Binding bind(String sql, List<List<Object>> forms) {
    int parameters = template.parameterCount();
    String[][] columns = new String[parameters][forms.size()];
    for (int row = 0; row < forms.size(); row++) {
      List<Object> form = forms.get(row);
      for (int p = 0; p < parameters; p++) {
        columns[p][row] = (String) form.get(p);
      }
    }
    Tuple params = Tuple.tuple();
    for (String[] column : columns) {
      params.addArrayOfString(column);
    }
    return new QueryTemplate.Binding(sql, params);
  }

  /**
   * The batch form of {@code template}: its query as a lateral subquery over one row per key form,
   * each bind parameter replaced by its array column cast to {@code types}.
   */
  static String statement(QueryTemplate template, List<String> types) {
    StringBuilder arrays = new StringBuilder();
    StringBuilder columns = new StringBuilder();
    for (int i = 1; i <= types.size(); i++) {
      // Each array behind a scalar subquery: PostgreSQL then can't see its length when planning,
      // so every execution gets the same cost estimate and, after five, the cached generic plan.
      // Passed directly, a custom plan knowing the exact length always looks cheaper, and every
      // batch is planned anew (measured: planning took 3/4 of a one-key batch's database time).
      arrays.append(i > 1 ? ", " : "").append("(SELECT $").append(i).append("::text[])");
      columns.append("sockmapd_p").append(i).append(", ");
    }
    String query =
        template.sql(i -> "CAST(sockmapd_b.sockmapd_p" + i + " AS " + types.get(i - 1) + ")");
    return "SELECT sockmapd_b.sockmapd_ord, sockmapd_q.* FROM unnest("
        + arrays
        + ") WITH ORDINALITY AS sockmapd_b("
        + columns
        + "sockmapd_ord) CROSS JOIN LATERAL ("
        + query
        + ") sockmapd_q";
  }
}
