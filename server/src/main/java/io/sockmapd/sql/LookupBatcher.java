package io.sockmapd.sql;

import io.sockmapd.lookup.InternalErrors;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.BatchForm.BatchStatement;
import io.sockmapd.sql.BatchScheduler.Waiting;
import io.sockmapd.sql.QueryTemplate.CombinedBinding;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collector;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Coalesces the concurrent lookups of one map into batch statements (natural batching). The {@link
 * BatchScheduler} decides which lookups go together and when; the engine's {@link BatchForm} makes
 * the statement; this class finds out whether the form works for the map, and takes the rows of a
 * batch back to its lookups: each row, tagged with its key form's ordinal, goes to that form, and
 * each lookup is then answered from its forms exactly as a single statement would be.
 *
 * <p>Until the batch statement has prepared, each lookup runs its plain query. A map whose batch
 * statement does not prepare uses one statement per lookup for good, logged once at INFO; when it
 * could not be asked (database down), the next lookup after {@link #REDISCOVER_NANOS} tries again.
 *
 * <p>A batch that fails with an error of the statement itself may be one key's fault (a value the
 * database refuses), so its lookups are then retried one by one with the plain query; any other
 * failure (connection, node, deadline, after the executor's own failover) is every lookup's answer.
 * Suppressed key forms are not in the batch; fallback forms keep their precedence order.
 */
final class LookupBatcher {
  private static final Logger LOG = LogManager.getLogger(LookupBatcher.class);

  /** After a failed discovery (database down, map's own query broken), try again this late. */
  private static final long REDISCOVER_NANOS = TimeUnit.SECONDS.toNanos(5);

  private enum Mode {
    /** Not known yet whether the batch statement works; the next lookup finds out. */
    UNKNOWN,
    /** Finding out; meanwhile each lookup runs its plain query. */
    DISCOVERING,
    BATCH,
    /** The batch statement does not prepare: one statement per lookup for good. */
    PLAIN
  }

  private final String mapName;
  private final MapQuery query;
  private final BatchForm form;
  private final SqlExecutor executor;
  private final BatchScheduler<CombinedBinding> scheduler;

  private Mode mode = Mode.UNKNOWN;
  private long rediscoverAtNanos = System.nanoTime();
  private volatile @Nullable BatchStatement statement;

  /**
   * @param executor the executor as the map's lookups use it (within its share of the connections)
   */
  LookupBatcher(
      String mapName,
      MapQuery query,
      BatchForm form,
      SqlExecutor executor,
      BatchSettings settings) {
    this.mapName = mapName;
    this.query = query;
    this.form = form;
    this.executor = executor;
    this.scheduler =
        new BatchScheduler<>(
            mapName,
            settings,
            form.maxRows(),
            BatchClock.of(settings.vertx()),
            query::failed,
            this::send);
  }

  /** True once lookups go out in batch statements; for tests. */
  synchronized boolean isBatching() {
    return mode == Mode.BATCH;
  }

  /** Looks up one bound key (at least one form); never completes exceptionally. */
  CompletionStage<LookupResult> submit(CombinedBinding binding) {
    boolean discover = false;
    boolean batch;
    synchronized (this) {
      if (mode == Mode.UNKNOWN && System.nanoTime() - rediscoverAtNanos >= 0) {
        mode = Mode.DISCOVERING;
        discover = true;
      }
      batch = mode == Mode.BATCH;
    }
    if (batch) {
      return scheduler.submit(binding, binding.keys().size());
    }
    // Until the batch statement is ready, each lookup runs its plain query at once. Holding lookups
    // for the discovery and then sending them together would make every key wait for the slowest
    // of them, and would delay the first lookups of every map. The lookup goes first: if capacity
    // is short, the discovery is what waits (it retries later).
    CompletionStage<LookupResult> plain = query.plain(binding);
    if (discover) {
      discover();
    }
    return plain;
  }

  /** Sends one batch: its key forms in one statement, the rows routed back by form. */
  private CompletionStage<Runnable> send(List<Waiting<CombinedBinding>> batch) {
    List<List<Object>> forms = new ArrayList<>();
    List<String> formKeys = new ArrayList<>();
    for (Waiting<CombinedBinding> waiting : batch) {
      forms.addAll(waiting.lookup().formParams());
      formKeys.addAll(waiting.lookup().keys());
    }
    Future<List<ResultFormatter.@Nullable Values>> rows;
    try {
      // Set before the mode turned to BATCH, and a batch is sent only in that mode.
      QueryTemplate.Binding bound = Objects.requireNonNull(statement).bind(forms);
      rows = executor.collect(bound.sql(), bound.params(), routing(formKeys));
    } catch (RuntimeException e) {
      rows = Future.failedFuture(e);
    }
    return rows.<Runnable>transform(ar -> Future.succeededFuture(() -> answer(batch, ar)))
        .toCompletionStage();
  }

  /**
   * Takes each row, as it is decoded, to its key form by the ordinal in column 0 (1-based over all
   * forms of the batch): each form keeps only what fits in one reply, so a key that matches a huge
   * number of rows costs no more memory than one reply.
   */
  private Collector<Row, ?, List<ResultFormatter.@Nullable Values>> routing(List<String> formKeys) {
    return Collector.<Row, List<ResultFormatter.@Nullable Values>>of(
        () -> new ArrayList<>(Collections.nCopies(formKeys.size(), null)),
        (byForm, row) -> {
          int form = (int) (row.getLong(0) - 1);
          if (form >= formKeys.size()) {
            return; // a spare copy of a UNION ALL statement
          }
          ResultFormatter.Values values = byForm.get(form);
          if (values == null) {
            values = query.values(formKeys.get(form));
            byForm.set(form, values);
          }
          values.add(row);
        },
        MapQuery.sequentialOnly());
  }

  private void answer(
      List<Waiting<CombinedBinding>> batch,
      AsyncResult<List<ResultFormatter.@Nullable Values>> ar) {
    if (ar.succeeded()) {
      distribute(batch, ar.result());
    } else {
      batchFailed(batch, ar.cause());
    }
  }

  /** Each lookup answered from its own forms' answers. */
  private static void distribute(
      List<Waiting<CombinedBinding>> batch, List<ResultFormatter.@Nullable Values> byForm) {
    int first = 0;
    for (Waiting<CombinedBinding> waiting : batch) {
      int forms = waiting.lookup().keys().size();
      waiting.answer(MapQuery.firstAnswer(byForm.subList(first, first + forms)));
      first += forms;
    }
  }

  private void batchFailed(List<Waiting<CombinedBinding>> batch, Throwable error) {
    if (batch.size() > 1 && SqlErrorClassifier.isStatementError(error)) {
      // Possibly one key's value the database refuses: each lookup alone gets its own answer.
      batch.forEach(this::runPlain);
      return;
    }
    LookupResult outcome = query.failed(error);
    batch.forEach(w -> w.answer(outcome));
  }

  private void runPlain(Waiting<CombinedBinding> waiting) {
    if (waiting.isAnswered()) {
      return;
    }
    query
        .plain(waiting.lookup())
        .whenComplete(
            (result, error) ->
                waiting.answer(
                    result != null ? result : InternalErrors.answer(mapName, "lookup", error)));
  }

  /**
   * Finds out whether the map's batch statement works (it prepares); meanwhile each lookup runs its
   * plain query.
   */
  private void discover() {
    Future<BatchStatement> prepared;
    try {
      prepared = form.prepare();
    } catch (RuntimeException e) {
      prepared = Future.failedFuture(e);
    }
    prepared.onComplete(this::discovered);
  }

  private void discovered(AsyncResult<BatchStatement> ar) {
    boolean unsupported =
        ar.failed()
            && ar.cause() instanceof BatchForm.Unsupported e
            && SqlErrorClassifier.isStatementError(e.getCause());
    synchronized (this) {
      if (ar.succeeded()) {
        statement = ar.result();
        mode = Mode.BATCH;
      } else {
        mode = unsupported ? Mode.PLAIN : Mode.UNKNOWN;
        rediscoverAtNanos = System.nanoTime() + REDISCOVER_NANOS;
      }
    }
    if (unsupported) {
      LOG.info(
          "map {}: lookups are not batched (the batch form of its query does not prepare: {});"
              + " one statement per lookup",
          mapName,
          SqlErrorClassifier.classify(ar.cause().getCause()).detail());
    } else if (ar.failed()) {
      LOG.debug("map {}: batching not set up yet: {}", mapName, ar.cause().toString());
    }
  }
}
