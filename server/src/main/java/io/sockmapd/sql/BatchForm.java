package io.sockmapd.sql;

import io.vertx.core.Future;
import java.util.List;

/**
 * How one engine puts many lookups of a map into one statement. Each engine's form owns its SQL
 * text and how it packs the key forms' bind values: {@link LateralBatchForm} (PostgreSQL) and
 * {@link UnionBatchForm} (MySQL, MariaDB).
 */
interface BatchForm {

  /** Key forms in one batch statement at most. */
  int maxRows();

  /**
   * Finds out whether the map's query works in this form: the statement once it prepares; fails
   * with {@link Unsupported} when it does not (the cause says why), or with the database's error
   * when it could not be asked.
   */
  Future<BatchStatement> prepare();

  /** A batch statement that prepared: binds the key forms of the lookups in one batch. */
  @FunctionalInterface
  interface BatchStatement {
    /**
     * The statement and its parameters for {@code forms}, each form's bind values as the plain
     * query takes them; every row it returns starts with its form's 1-based position in {@code
     * forms} (rows of any further position are to be dropped).
     */
    QueryTemplate.Binding bind(List<List<Object>> forms);
  }

  /** Prepares {@code sql} with {@code executor}; a failure to prepare is {@link Unsupported}. */
  static Future<Void> prepareOrRefuse(SqlExecutor executor, String sql) {
    return executor.prepare(sql).recover(e -> Future.failedFuture(new Unsupported(e)));
  }

  /** The batch statement failed to prepare (the cause says why). */
  final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
