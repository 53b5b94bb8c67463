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
 * one statement runs at a time; lookups that arrive while it runs wait in a queue and go together,
 * up to {@link #MAX_ROWS} key forms ({@link #MAX_UNION_ROWS} in the {@code UNION ALL} form), in the
 * next statement. There is no timer before sending, so a lone lookup is sent at once and at low
 * load nothing is added to the latency; under load, one statement answers many lookups and the
 * database does far less work per lookup. When the running statement is slow ({@link
 * BatchSettings#slowBatchNanos}), the waiting lookups may start another one (up to {@link
 * BatchSettings#concurrentBatches}), so one slow statement does not hold up the whole map.
 *
 * <p>On PostgreSQL the batch statement runs the map's own query once per key form through {@code
 * CROSS JOIN LATERAL} over {@code unnest} of one text array per bind parameter {@code WITH
 * ORDINALITY}; each parameter is cast to the type PostgreSQL infers for it in the plain query
 * (found once with {@link SqlExecutor#parameterTypes}), so comparisons mean what they mean in the
 * plain query. MySQL and MariaDB have no {@code LATERAL} that fits (MariaDB none at all): there the
 * batch statement is the query once per key form, each copy a derived table tagged with its
 * ordinal, joined by {@code UNION ALL} ({@link QueryTemplate#taggedSql}); each copy's parameters
 * are bound exactly as in the plain query. That text differs with the number of forms, so batches
 * are rounded up to a few sizes ({@link #UNION_SIZES}, the spare copies repeat the last form and
 * their rows are dropped), which keeps the statements each connection prepares to a handful per
 * map. Rows come back tagged with their form's ordinal and go to their lookup; each lookup is then
 * answered from its forms exactly as a single statement would be.
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

  /**
   * Key forms in one {@code UNION ALL} batch statement at most: its text holds the query once per
   * form, and must stay within the driver's prepared-statement cache limit for long queries too.
   */
  static final int MAX_UNION_ROWS = 64;

  /**
   * The key-form counts of {@code UNION ALL} batch statements: a batch is rounded up to the next
   * one. Steps of at most 1.5x: at most a third of a statement is spare copies, and 12 statements
   * per map cover every batch.
   */
  static final int[] UNION_SIZES = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, MAX_UNION_ROWS};

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
    /**
     * No batch form for this map (it does not prepare, or ORDER BY on MySQL): one statement per
     * lookup for good.
     */
    PLAIN
  }

  /** Lookups sent together in one statement. */
  private static final class Batch {
    final List<Pending> lookups;
    final int rows;
    final long startNanos;

    Batch(List<Pending> lookups, int rows, long startNanos) {
      this.lookups = lookups;
      this.rows = rows;
      this.startNanos = startNanos;
    }
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

  /** True for the {@code UNION ALL} form (MySQL, MariaDB), false for PostgreSQL's lateral one. */
  private final boolean unionForm;

  /** The {@code UNION ALL} statement for each of {@link #UNION_SIZES}, made when first needed. */
  private final String[] unionSql = new String[UNION_SIZES.length];

  /** Key forms in one batch statement at most, for this map's form. */
  private final int maxRows;

  /** Lookups not sent yet, in arrival order. */
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();

  /** Lookups not known to be answered, in arrival (= deadline) order; answered ones drop off. */
  private final ArrayDeque<Pending> deadlines = new ArrayDeque<>();

  /** Batch statements sent and not completed, oldest first. */
  private final ArrayDeque<Batch> running = new ArrayDeque<>(BatchSettings.MAX_CONCURRENT_BATCHES);

  private boolean timerArmed;
  private boolean slowTimerArmed;

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
    this.unionForm = template.dialect() != SqlDialect.POSTGRESQL;
    this.maxRows = unionForm ? MAX_UNION_ROWS : MAX_ROWS;
    if (unionForm && template.ordersRows()) {
      // MySQL and MariaDB may drop the ORDER BY of a derived table: wrapped, a multi-row answer
      // could list its values in another order than the plain query.
      mode = Mode.PLAIN;
      LOG.info(
          "map {}: lookups are not batched (MySQL and MariaDB may ignore the query's ORDER BY"
              + " inside a batch statement); one statement per lookup",
          mapName);
    }
  }

  /** True once lookups go out in batch statements; for tests. */
  synchronized boolean isBatching() {
    return mode == Mode.BATCH;
  }

  /** Looks up one bound key (at least one form); never completes exceptionally. */
  CompletionStage<LookupResult> submit(CombinedBinding binding) {
    Pending pending;
    boolean discover = false;
    Batch batch = null;
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
        batch = takeBatch(now);
        armSlowTimer(now);
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

  /**
   * The next batch if a statement may start now (none running, or the running ones are slow and
   * there is room for one more); counts it as running. Under the lock.
   */
  private @Nullable Batch takeBatch(long now) {
    Batch oldest = running.peek();
    if (oldest != null
        && (running.size() >= settings.concurrentBatches()
            || now - oldest.startNanos < settings.slowBatchNanos())) {
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
      if (batch != null && rows + forms > maxRows) {
        break;
      }
      queue.poll();
      if (batch == null) {
        batch = new ArrayList<>(Math.min(queue.size() + 1, maxRows));
      }
      batch.add(next);
      rows += forms;
    }
    if (batch == null) {
      return null;
    }
    Batch started = new Batch(batch, rows, now);
    running.add(started);
    return started;
  }

  /**
   * While lookups wait behind a running statement that may turn slow, a timer checks back when it
   * would count as slow (one timer per map at most). Under the lock.
   */
  private void armSlowTimer(long now) {
    Batch oldest = running.peek();
    if (slowTimerArmed
        || queue.isEmpty()
        || oldest == null
        || running.size() >= settings.concurrentBatches()) {
      return;
    }
    slowTimerArmed = true;
    long delayNanos = oldest.startNanos + settings.slowBatchNanos() - now;
    settings.vertx().setTimer(toTimerMillis(delayNanos), id -> slowCheckDue());
  }

  private void slowCheckDue() {
    Batch batch;
    synchronized (this) {
      slowTimerArmed = false;
      long now = System.nanoTime();
      batch = mode == Mode.BATCH ? takeBatch(now) : null;
      armSlowTimer(now);
    }
    if (batch != null) {
      send(batch);
    }
  }

  private void send(Batch batch) {
    Future<RowSet<Row>> statement;
    try {
      statement = unionForm ? sendUnion(batch) : sendLateral(batch);
    } catch (RuntimeException e) {
      statement = Future.failedFuture(e);
    }
    statement.onComplete(ar -> batchDone(batch, ar));
  }

  /** PostgreSQL: one text array per bind parameter, one element per key form. */
  private Future<RowSet<Row>> sendLateral(Batch batch) {
    int parameters = template.parameterCount();
    String[][] columns = new String[parameters][batch.rows];
    int row = 0;
    for (Pending pending : batch.lookups) {
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
    return executor.execute(batchSql, params);
  }

  /**
   * MySQL, MariaDB: each form's parameters in turn, the statement rounded up to the next of {@link
   * #UNION_SIZES}; the spare copies repeat the last form (their rows are dropped).
   */
  private Future<RowSet<Row>> sendUnion(Batch batch) {
    int size = 0;
    while (UNION_SIZES[size] < batch.rows) {
      size++;
    }
    String sql = unionSql[size];
    if (sql == null) {
      sql = template.taggedSql(UNION_SIZES[size]);
      unionSql[size] = sql; // a benign race: every thread makes the same text
    }
    List<Object> values = new ArrayList<>(UNION_SIZES[size] * template.parameterCount());
    List<Object> last = List.of();
    for (Pending pending : batch.lookups) {
      for (List<Object> form : pending.binding.formParams()) {
        values.addAll(form);
        last = form;
      }
    }
    for (int spare = batch.rows; spare < UNION_SIZES[size]; spare++) {
      values.addAll(last);
    }
    return executor.execute(sql, Tuple.wrap(values));
  }

  private void batchDone(Batch done, AsyncResult<RowSet<Row>> ar) {
    // The next batch goes out first: the database works on it while these answers are formatted.
    Batch next;
    synchronized (this) {
      running.remove(done);
      while (!deadlines.isEmpty() && deadlines.peek().result.isDone()) {
        deadlines.poll();
      }
      long now = System.nanoTime();
      next = mode == Mode.BATCH ? takeBatch(now) : null;
      armSlowTimer(now);
    }
    if (next != null) {
      send(next);
    }
    List<Pending> batch = done.lookups;
    try {
      if (ar.succeeded()) {
        distribute(batch, done.rows, ar.result());
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
      if (form >= rows) {
        continue; // a spare copy of a UNION ALL statement
      }
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
    settings.vertx().setTimer(toTimerMillis(delayNanos), id -> deadlinesDue());
  }

  /** A timer delay in whole milliseconds (at least 1) that is never shorter than {@code nanos}. */
  private static long toTimerMillis(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
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
   * Finds out whether the map's batch statement works (it prepares); meanwhile each lookup runs its
   * plain query.
   */
  private void discover() {
    Future<String> prepared;
    try {
      prepared = unionForm ? discoverUnion() : discoverLateral();
    } catch (RuntimeException e) {
      prepared = Future.failedFuture(e);
    }
    prepared.onComplete(this::discovered);
  }

  /** MySQL, MariaDB: the query must prepare as a derived table (not, say, a CALL). */
  private Future<String> discoverUnion() {
    return executor
        .prepare(template.taggedSql(2))
        .recover(e -> Future.failedFuture(new BatchUnsupported(e)))
        .map(v -> "");
  }

  /** PostgreSQL: the plain query's parameter types, then the lateral statement must prepare. */
  private Future<String> discoverLateral() {
    return executor
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
  }

  private void discovered(AsyncResult<String> ar) {
    boolean unsupported =
        ar.failed()
            && ar.cause() instanceof BatchUnsupported e
            && SqlErrorClassifier.isStatementError(e.getCause());
    Batch first = null;
    List<Pending> plain = new ArrayList<>();
    synchronized (this) {
      if (ar.succeeded()) {
        batchSql = ar.result();
        mode = Mode.BATCH;
        first = takeBatch(System.nanoTime());
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
    if (first != null) {
      send(first);
    }
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

  /** The batch statement failed to prepare (the cause says why). */
  private static final class BatchUnsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BatchUnsupported(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
