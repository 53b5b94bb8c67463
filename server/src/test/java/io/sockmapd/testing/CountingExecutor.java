package io.sockmapd.testing;

import io.sockmapd.sql.BatchSettings;
import io.sockmapd.sql.SqlExecutor;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Wraps an executor and counts the statements sent through it (one per database round trip). */
public final class CountingExecutor implements SqlExecutor {
  private final SqlExecutor delegate;
  private final AtomicInteger statements = new AtomicInteger();

  public CountingExecutor(SqlExecutor delegate) {
    this.delegate = delegate;
  }

  public int statements() {
    return statements.get();
  }

  public void reset() {
    statements.set(0);
  }

  @Override
  public String databaseName() {
    return delegate.databaseName();
  }

  @Override
  public Future<RowSet<Row>> execute(String sql, Tuple params) {
    statements.incrementAndGet();
    return delegate.execute(sql, params);
  }

  @Override
  public @Nullable BatchSettings batchSettings() {
    return delegate.batchSettings();
  }

  @Override
  public Future<List<String>> parameterTypes(String sql) {
    return delegate.parameterTypes(sql);
  }

  @Override
  public Future<Void> prepare(String sql) {
    return delegate.prepare(sql);
  }

  @Override
  public Future<Void> close(Duration timeout) {
    return delegate.close(timeout);
  }
}
