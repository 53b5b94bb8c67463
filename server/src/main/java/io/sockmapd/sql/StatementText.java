package io.sockmapd.sql;

import io.sockmapd.sql.QueryTemplate.CombinedBinding;
import io.vertx.core.Future;

/** Which SQL text a bound lookup runs as its own statement. */
interface StatementText {

  /** The text to run {@code binding} with; fails as the statement would (logged by the map). */
  Future<String> sql(CombinedBinding binding);

  /**
   * PostgreSQL needs each parameter converted to the type the query compares it with ({@link
   * PgTypedStatements}); MySQL, MariaDB and SQLite convert a string parameter themselves, so the
   * template's own text is right there.
   */
  static StatementText of(QueryTemplate template, SqlExecutor executor) {
    if (template.dialect() == SqlDialect.POSTGRESQL && template.hasExpansions()) {
      return new PgTypedStatements(template, executor);
    }
    return binding -> Future.succeededFuture(binding.sql());
  }
}
