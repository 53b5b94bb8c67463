package io.sockmapd.testing;

import io.sockmapd.sql.BatchSettings;
import io.sockmapd.sql.SqlExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collector;
import org.jspecify.annotations.Nullable;

/**
 * Wraps an executor and counts the statements sent through it (one per database round trip). It can
 * hold statements back until released (so a test knows which lookups share a statement) and fail
 * them instead of sending them.
 */
public final class CountingExecutor implements SqlExecutor {
  private final SqlExecutor delegate;
  private final AtomicInteger statements = new AtomicInteger();
  private final AtomicInteger requested = new AtomicInteger();
  private volatile Promise<Void> gate = Promise.promise();
  private volatile @Nullable Throwable failure;
  private volatile long slowBatchNanos = -1;

  public CountingExecutor(SqlExecutor delegate) {
    this.delegate = delegate;
    gate.complete();
  }

  /** Statements from now on wait for {@link #release}. */
  public void hold() {
    gate = Promise.promise();
  }

  /** Sends the held statements and lets further ones through. */
  public void release() {
    gate.tryComplete();
  }

  /** Statements from now on fail with {@code error} instead of being sent (and counted). */
  public void failWith(Throwable error) {
    failure = error;
  }

  /** Batchers on this executor count a statement as slow after {@code threshold}. */
  public void slowBatchAfter(Duration threshold) {
    slowBatchNanos = threshold.toNanos();
  }

  public int statements() {
    return statements.get();
  }

  /** Statements asked for so far, held ones included. */
  public int requested() {
    return requested.get();
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
    return counted(() -> delegate.execute(sql, params));
  }

  @Override
  public <R> Future<R> collect(String sql, Tuple params, Collector<Row, ?, R> rows) {
    return counted(() -> delegate.collect(sql, params, rows));
  }

  /** Counts a statement as requested, and as run once the gate opens (unless set to fail). */
  private <R> Future<R> counted(Supplier<Future<R>> statement) {
    requested.incrementAndGet();
    return gate.future()
        .compose(
            v -> {
              Throwable error = failure;
              if (error != null) {
                return Future.failedFuture(error);
              }
              statements.incrementAndGet();
              return statement.get();
            });
  }

  @Override
  public @Nullable BatchSettings batchSettings() {
    BatchSettings settings = delegate.batchSettings();
    long slow = slowBatchNanos;
    return settings == null || slow < 0 ? settings : settings.withSlowBatchNanos(slow);
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
