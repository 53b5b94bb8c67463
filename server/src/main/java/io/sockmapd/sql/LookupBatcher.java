package io.sockmapd.sql;

import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.QueryTemplate.CombinedBinding;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Coalesces the concurrent lookups of one PostgreSQL map into batch statements (natural batching):
 * up to {@link BatchSettings#concurrentBatches} statements run at once; lookups that arrive while
 * they all run wait in a queue and go together, up to {@link #MAX_ROWS} key forms, in the next
 * statement that can start. There is no timer before sending, so a lone lookup is sent at once and
 * at low load nothing is added to the latency; under load, one statement answers many lookups and
 * the database does far less work per lookup.
 *
 * <p>The batch statement runs the map's own query once per key form through {@code CROSS JOIN
 * LATERAL} over {@code unnest} of one text array per bind parameter {@code WITH ORDINALITY}; each
 * parameter is cast to the type PostgreSQL infers for it in the plain query (found once with {@link
 * SqlExecutor#parameterTypes}), so comparisons mean what they mean in the plain query. Rows come
 * back tagged with their form's ordinal and go to their lookup; each lookup is then answered from
 * its forms exactly as a single statement would be.
 *
 * <p>Semantics kept per lookup: its own deadline from arrival ({@code lookup_timeout}; one timer
 * per map serves them all, since deadlines come in arrival order), exactly one answer, suppression
 * (a suppressed form is not in the batch), fallback forms in precedence order. A batch that fails
 * with an error of the statement itself may be one key's fault (a value the database refuses), so
 * its lookups are then retried one by one with the plain query; any other failure (connection,
 * node, deadline, after the executor's own failover) is every lookup's answer. A map whose batch
 * statement does not prepare (a query that cannot be a lateral subquery, or a parameter type
 * without a cast from text) uses one statement per lookup, logged once at INFO.
 *
 * <p>Thread safety: lookups arrive on any thread, statements complete on Vert.x threads; the queue
 * and counters are guarded by this object's lock, which is never held while calling out.
 */
final class LookupBatcher {
  private static final Logger LOG = LogManager.getLogger(LookupBatcher.class);

  /** Key forms in one batch statement at most. */
  static final int MAX_ROWS = 128;

  /** After a failed discovery (database down, map's own query broken), try again this late. */
  private static final long REDISCOVER_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final LookupResult INTERNAL_ERROR = LookupResult.temp("internal error");

  /** What the batcher needs from its map. */
  interface MapAnswers {
    /** The lookup as one statement of its own; never completes exceptionally. */
    CompletionStage<LookupResult> plain(CombinedBinding binding);

    /** The answer from the rows of each key form in precedence order, values from column 1 on. */
    LookupResult answer(List<List<Row>> rowsByForm, List<String> keys);

    /** The answer to a failure (logged by the map). */
    LookupResult failed(Throwable error);
  }

  private enum Mode {
    /** Not known yet whether the batch statement works; the next lookup finds out. */
    UNKNOWN,
    /** Finding out; meanwhile each lookup runs its plain query. */
    DISCOVERING,
    BATCH,
    /** The batch statement does not prepare: one statement per lookup for good. */
    PLAIN
  }

  /** One lookup from arrival to answer. */
  private static final class Pending {
    final CombinedBinding binding;
    final long deadlineNanos;
    final CompletableFuture<LookupResult> result = new CompletableFuture<>();

    Pending(CombinedBinding binding, long deadlineNanos) {
      this.binding = binding;
      this.deadlineNanos = deadlineNanos;
    }
  }

  private final String mapName;
  private final QueryTemplate template;
  private final SqlExecutor executor;
  private final BatchSettings settings;
  private final MapAnswers answers;
  private final long timeoutNanos;

  private Mode mode = Mode.UNKNOWN;
  private long rediscoverAtNanos = System.nanoTime();
  private volatile String batchSql = "";

  /** Lookups not sent yet, in arrival order. */
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();

  /** Lookups not known to be answered, in arrival (= deadline) order; answered ones drop off. */
  private final ArrayDeque<Pending> deadlines = new ArrayDeque<>();

  private int batchesRunning;
  private boolean timerArmed;

  LookupBatcher(
      String mapName,
      QueryTemplate template,
      SqlExecutor executor,
      BatchSettings settings,
      MapAnswers answers) {
    this.mapName = mapName;
    this.template = template;
    this.executor = executor;
    this.settings = settings;
    this.answers = answers;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.lookupTimeoutMillis());
  }

  /** True once lookups go out in batch statements; for tests. */
  synchronized boolean isBatching() {
    return mode == Mode.BATCH;
  }

  /** Looks up one bound key (at least one form); never completes exceptionally. */
  CompletionStage<LookupResult> submit(CombinedBinding binding) {
    Pending pending;
    boolean discover = false;
    List<Pending> batch = null;
    synchronized (this) {
      long now = System.nanoTime();
      if (mode == Mode.UNKNOWN && now - rediscoverAtNanos >= 0) {
        mode = Mode.DISCOVERING;
        discover = true;
      }
      if (mode != Mode.BATCH) {
        // Until the batch statement is ready, each lookup runs its plain query at once. Holding
        // lookups for the discovery and then sending them together would make every key wait for
        // the slowest of them, and would delay the first lookups of every map.
        pending = null;
      } else if (queue.size() >= settings.maxQueued()) {
        return CompletableFuture.completedFuture(answers.failed(LookupFailure.busy()));
      } else {
        pending = new Pending(binding, now + timeoutNanos);
        queue.add(pending);
        deadlines.add(pending);
        armTimer();
        batch = takeBatch();
      }
    }
    if (pending == null) {
      // The lookup first: if capacity is short, the discovery is what waits (it retries later).
      CompletionStage<LookupResult> plain = answers.plain(binding);
      if (discover) {
        discover();
      }
      return plain;
    }
    if (batch != null) {
      send(batch);
    }
    return pending.result;
  }

  /** The next batch if a statement may start now; counts it as running. Under the lock. */
  private @Nullable List<Pending> takeBatch() {
    if (batchesRunning >= settings.concurrentBatches()) {
      return null;
    }
    List<Pending> batch = null;
    int rows = 0;
    while (!queue.isEmpty()) {
      Pending next = queue.peek();
      if (next.result.isDone()) {
        queue.poll(); // its deadline passed while it waited
        continue;
      }
      int forms = next.binding.keys().size();
      if (batch != null && rows + forms > MAX_ROWS) {
        break;
      }
      queue.poll();
      if (batch == null) {
        batch = new ArrayList<>(Math.min(queue.size() + 1, MAX_ROWS));
      }
      batch.add(next);
      rows += forms;
    }
    if (batch != null) {
      batchesRunning++;
    }
    return batch;
  }

  private void send(List<Pending> batch) {
    int rows = 0;
    for (Pending pending : batch) {
      rows += pending.binding.keys().size();
    }
    int parameters = template.parameterCount();
    String[][] columns = new String[parameters][rows];
    int row = 0;
    for (Pending pending : batch) {
      for (List<Object> form : pending.binding.formParams()) {
        for (int p = 0; p < parameters; p++) {
          columns[p][row] = (String) form.get(p);
        }
        row++;
      }
    }
    Tuple params = Tuple.tuple();
    for (String[] column : columns) {
      params.addArrayOfString(column);
    }
    Future<RowSet<Row>> statement;
    try {
      statement = executor.execute(batchSql, params);
    } catch (RuntimeException e) {
      statement = Future.failedFuture(e);
    }
    int total = rows;
    statement.onComplete(ar -> batchDone(batch, total, ar));
  }

  private void batchDone(List<Pending> batch, int rows, AsyncResult<RowSet<Row>> ar) {
    // The next batch goes out first: the database works on it while these answers are formatted.
    List<Pending> next;
    synchronized (this) {
      batchesRunning--;
      while (!deadlines.isEmpty() && deadlines.peek().result.isDone()) {
        deadlines.poll();
      }
      next = mode == Mode.BATCH ? takeBatch() : null;
    }
    if (next != null) {
      send(next);
    }
    try {
      if (ar.succeeded()) {
        distribute(batch, rows, ar.result());
      } else {
        batchFailed(batch, ar.cause());
      }
    } catch (RuntimeException e) {
      // A bug, not an outage; still one reply each, and never "not found".
      LOG.error("map {}: batch answer failed unexpectedly", mapName, e);
      batch.forEach(p -> p.result.complete(INTERNAL_ERROR));
    }
  }

  /** Rows to their lookups by the ordinal in column 0 (1-based over all forms of the batch). */
  private void distribute(List<Pending> batch, int rows, RowSet<Row> result) {
    List<List<Row>> byForm = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      byForm.add(List.of());
    }
    for (Row row : result) {
      int form = (int) (row.getLong(0) - 1);
      List<Row> forForm = byForm.get(form);
      if (forForm.isEmpty()) {
        forForm = new ArrayList<>(2);
        byForm.set(form, forForm);
      }
      forForm.add(row);
    }
    int first = 0;
    for (Pending pending : batch) {
      int forms = pending.binding.keys().size();
      pending.result.complete(
          answers.answer(byForm.subList(first, first + forms), pending.binding.keys()));
      first += forms;
    }
  }

  private void batchFailed(List<Pending> batch, Throwable error) {
    if (batch.size() > 1 && SqlErrorClassifier.isStatementError(error)) {
      // Possibly one key's value the database refuses: each lookup alone gets its own answer.
      batch.forEach(this::runPlain);
      return;
    }
    LookupResult outcome = answers.failed(error);
    batch.forEach(p -> p.result.complete(outcome));
  }

  private void runPlain(Pending pending) {
    if (pending.result.isDone()) {
      return;
    }
    answers
        .plain(pending.binding)
        .whenComplete(
            (result, error) -> pending.result.complete(result != null ? result : INTERNAL_ERROR));
  }

  /** Arms the one deadline timer for the oldest unanswered lookup. Under the lock. */
  private void armTimer() {
    if (timerArmed || deadlines.isEmpty()) {
      return;
    }
    timerArmed = true;
    long delayNanos = deadlines.peek().deadlineNanos - System.nanoTime();
    long delayMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos + 999_999));
    settings.vertx().setTimer(delayMillis, id -> deadlinesDue());
  }

  private void deadlinesDue() {
    List<Pending> expired = new ArrayList<>();
    synchronized (this) {
      timerArmed = false;
      long now = System.nanoTime();
      while (!deadlines.isEmpty()) {
        Pending head = deadlines.peek();
        if (!head.result.isDone()) {
          if (head.deadlineNanos - now > 0) {
            break;
          }
          expired.add(head);
        }
        deadlines.poll();
      }
      armTimer();
    }
    if (!expired.isEmpty()) {
      LookupResult timeout = answers.failed(LookupFailure.deadline());
      expired.forEach(p -> p.result.complete(timeout));
    }
  }

  /**
   * Finds the plain query's parameter types and prepares the batch statement; meanwhile lookups
   * wait in the queue.
   */
  private void discover() {
    Future<String> prepared;
    try {
      prepared =
          executor
              .parameterTypes(template.sql())
              .compose(
                  types -> {
                    if (types.size() != template.parameterCount()) {
                      return Future.failedFuture(
                          new IllegalStateException(
                              types.size() + " parameter types for " + template.parameterCount()));
                    }
                    String sql = batchStatement(template, types);
                    return executor
                        .prepare(sql)
                        .recover(e -> Future.failedFuture(new BatchUnsupported(e)))
                        .map(v -> sql);
                  });
    } catch (RuntimeException e) {
      prepared = Future.failedFuture(e);
    }
    prepared.onComplete(this::discovered);
  }

  private void discovered(AsyncResult<String> ar) {
    boolean unsupported =
        ar.failed()
            && ar.cause() instanceof BatchUnsupported e
            && SqlErrorClassifier.isStatementError(e.getCause());
    List<List<Pending>> batches = new ArrayList<>();
    List<Pending> plain = new ArrayList<>();
    synchronized (this) {
      if (ar.succeeded()) {
        batchSql = ar.result();
        mode = Mode.BATCH;
        for (List<Pending> batch = takeBatch(); batch != null; batch = takeBatch()) {
          batches.add(batch);
        }
      } else {
        mode = unsupported ? Mode.PLAIN : Mode.UNKNOWN;
        rediscoverAtNanos = System.nanoTime() + REDISCOVER_NANOS;
        plain.addAll(queue);
        queue.clear();
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
    batches.forEach(this::send);
    plain.forEach(this::runPlain);
  }

  /**
   * The batch form of {@code template}: its query as a lateral subquery over one row per key form,
   * each bind parameter replaced by its array column cast to {@code types}.
   */
  static String batchStatement(QueryTemplate template, List<String> types) {
    StringBuilder arrays = new StringBuilder();
    StringBuilder columns = new StringBuilder();
    for (int i = 1; i <= types.size(); i++) {
      arrays.append(i > 1 ? ", " : "").append('$').append(i).append("::text[]");
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

  /** The batch statement failed to prepare (the cause says why). */
  private static final class BatchUnsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BatchUnsupported(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
