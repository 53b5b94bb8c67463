package io.sockmapd.sql;

import io.sockmapd.lookup.InternalErrors;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.sql.QueryTemplate.CombinedBinding;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One map answered from SQL: {@link KeyPolicy} picks the key forms, {@link QueryTemplate} binds
 * them, and the lookup goes to the map's {@link LookupBatcher} when it has one, else runs as a
 * statement of its own ({@link MapQuery}). Built by {@link LookupChain}. Never completes
 * exceptionally.
 */
public final class SqlMap implements MapLookup {
  private final String name;
  private final KeyPolicy policy;
  private final QueryTemplate template;
  private final MapQuery query;
  private final SqlExecutor executor;
  private final @Nullable LookupBatcher batcher;

  /**
   * @param executor the database's executor (the check prepares this map's statements on it)
   * @param batcher null when every lookup is a statement of its own
   */
  SqlMap(
      String name,
      KeyPolicy policy,
      QueryTemplate template,
      MapQuery query,
      SqlExecutor executor,
      @Nullable LookupBatcher batcher) {
    this.name = name;
    this.policy = policy;
    this.template = template;
    this.query = query;
    this.executor = executor;
    this.batcher = batcher;
  }

  public String name() {
    return name;
  }

  SqlExecutor executor() {
    return executor;
  }

  /**
   * True when the check must describe the statements rather than prepare them as they are: on
   * PostgreSQL the parameters are typed first ({@link PgTypedStatements}), and a parameter whose
   * type the server can't infer is declared text, as lookups do.
   */
  boolean checksByDescribing() {
    return template.dialect() == SqlDialect.POSTGRESQL && template.hasExpansions();
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
      return query.plain(binding);
    } catch (RuntimeException e) {
      // A bug, not an outage; still one reply, and never "not found".
      return CompletableFuture.completedFuture(InternalErrors.answer(name, "lookup", e));
    }
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

  /** True when this map's lookups go out in batch statements; for tests. */
  boolean isBatching() {
    return batcher != null && batcher.isBatching();
  }
}
