package io.sockmapd.sql;

import io.sockmapd.sql.QueryTemplate.CombinedBinding;
import io.vertx.core.Future;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL: the map's statements with every bind parameter sent as text and converted by the
 * server ({@link QueryTemplate#typed}), so {@code WHERE id = %s} on an {@code integer} column or
 * {@code net >>= '%s'} on {@code inet} answers as Postfix's spliced literal does. The driver types
 * each bind value as the server infers it and refuses a Java string for an {@code integer}; the
 * types are asked for once ({@link SqlExecutor#parameterTypes}), before the map's first statement,
 * which waits for them. A failed discovery fails the lookups that waited for it, as the query
 * itself would (it prepares the same query), and the next lookup asks again.
 *
 * <p>Thread safety: lookups arrive on any thread; the state is guarded by this object's lock, never
 * held while calling out.
 */
final class PgTypedStatements implements StatementText {
  private final QueryTemplate template;
  private final SqlExecutor executor;
  private volatile @Nullable QueryTemplate typed;
  private @Nullable Future<QueryTemplate> discovering;

  PgTypedStatements(QueryTemplate template, SqlExecutor executor) {
    this.template = template;
    this.executor = executor;
  }

  @Override
  public Future<String> sql(CombinedBinding binding) {
    int forms = binding.keys().size();
    QueryTemplate known = typed;
    if (known != null) {
      return Future.succeededFuture(known.statement(forms));
    }
    return discover().map(t -> t.statement(forms));
  }

  private Future<QueryTemplate> discover() {
    Future<QueryTemplate> running;
    synchronized (this) {
      if (discovering != null) {
        return discovering;
      }
      running =
          executor
              .parameterTypes(template.sql())
              .map(template::typed)
              .andThen(
                  ar -> {
                    synchronized (this) {
                      discovering = null;
                    }
                    if (ar.succeeded()) {
                      typed = ar.result();
                    }
                  });
      // A discovery that completed at once already cleared the field: don't put it back.
      if (!running.isComplete()) {
        discovering = running;
      }
    }
    return running;
  }
}
