package io.sockmapd.sql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * MySQL's and MariaDB's batch statement. They have no {@code LATERAL} that fits (MariaDB none at
 * all): the statement is the query once per key form, each copy a derived table tagged with its
 * ordinal, joined by {@code UNION ALL} ({@link QueryTemplate#taggedSql}); each copy's parameters
 * are bound exactly as in the plain query. That text differs with the number of forms, so batches
 * are rounded up to a few sizes ({@link #SIZES}; the spare copies repeat the last form and their
 * rows are dropped), which keeps the statements each connection prepares to a handful per map.
 */
final class UnionBatchForm implements BatchForm {
  private static final Logger LOG = LogManager.getLogger(UnionBatchForm.class);

  /**
   * Key forms in one statement at most: its text holds the query once per form, and must stay
   * within the driver's prepared-statement cache limit for long queries too.
   */
  static final int MAX_ROWS = 64;

  /**
   * The key-form counts of the statements: a batch is rounded up to the next one. Steps of at most
   * 1.5x: at most a third of a statement is spare copies, and 12 statements per map cover every
   * batch.
   */
  static final int[] SIZES = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, MAX_ROWS};

  private final QueryTemplate template;
  private final SqlExecutor executor;

  /** The statement for each of {@link #SIZES}, made when first needed. */
  private final String[] sql = new String[SIZES.length];

  private UnionBatchForm(QueryTemplate template, SqlExecutor executor) {
    this.template = template;
    this.executor = executor;
  }

  /**
   * The form for {@code template}, or null (logged) when its query orders its rows: MySQL and
   * MariaDB may drop the ORDER BY of a derived table, so wrapped, a multi-row answer could list its
   * values in another order than the plain query.
   */
  static @Nullable UnionBatchForm of(String mapName, QueryTemplate template, SqlExecutor executor) {
    if (template.ordersRows()) {
      LOG.info(
          "map {}: lookups are not batched (MySQL and MariaDB may ignore the query's ORDER BY"
              + " inside a batch statement); one statement per lookup",
          mapName);
      return null;
    }
    return new UnionBatchForm(template, executor);
  }

  @Override
  public int maxRows() {
    return MAX_ROWS;
  }

  /** The query must prepare as a derived table (not, say, a CALL). */
  @Override
  public Future<BatchStatement> prepare() {
    return BatchForm.prepareOrRefuse(executor, template.taggedSql(2)).map(v -> this::bind);
  }

  /** Each form's parameters in turn, then the last form's again for each spare copy. */
  private QueryTemplate.Binding bind(List<List<Object>> forms) {
    int size = 0;
    while (SIZES[size] < forms.size()) {
      size++;
    }
    String text = sql[size];
    if (text == null) {
      text = template.taggedSql(SIZES[size]);
      sql[size] = text; // a benign race: every thread makes the same text
    }
    List<Object> values = new ArrayList<>(SIZES[size] * template.parameterCount());
    forms.forEach(values::addAll);
    List<Object> last = forms.get(forms.size() - 1);
    for (int spare = forms.size(); spare < SIZES[size]; spare++) {
      values.addAll(last);
    }
    return new QueryTemplate.Binding(text, Tuple.wrap(values));
  }
}
