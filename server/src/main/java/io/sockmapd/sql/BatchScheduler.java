package io.sockmapd.sql;

import io.sockmapd.lookup.InternalErrors;
import io.sockmapd.lookup.LookupResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * When the lookups of one map go out together and how many statements run at once: the half of
 * natural batching that knows no SQL ({@link LookupBatcher} has the other half).
 *
 * <p>One statement runs at a time; lookups that arrive while it runs wait in a queue and go
 * together, up to {@code maxRows} key forms, in the next statement. There is no timer before
 * sending, so a lone lookup is sent at once and at low load nothing is added to the latency; under
 * load, one statement answers many lookups. When the running statement is slow ({@link
 * BatchSettings#slowBatchNanos}), the waiting lookups are spread over more statements at once (up
 * to {@link BatchSettings#concurrentBatches}, the map's share of the pool), each taking an equal
 * part of the queue: with slow statements the map then runs as many at once as unbatched lookups
 * would, and batching never makes a workload slower than one statement per lookup.
 *
 * <p>Per lookup: its own deadline from arrival ({@code lookup_timeout}; one timer serves them all,
 * since deadlines come in arrival order) and exactly one answer. At most {@link
 * BatchSettings#maxQueued} lookups wait unsent; one whose deadline has passed no longer counts.
 *
 * <p>Thread safety: lookups arrive on any thread, statements complete on any thread. The queue and
 * counters are guarded by this object's lock, which is never held while calling out (sending,
 * answering, the failure answer that logs, setting timers): a slow log appender or a send that
 * completes at once must not stall or re-enter the map's other lookups.
 *
 * @param <L> what a lookup is to the sender (its bound key forms)
 */
final class BatchScheduler<L> {

  /** Sends one batch statement. */
  @FunctionalInterface
  interface Send<L> {
    /**
     * Starts the statement for {@code batch}. The stage completes when the statement is done, with
     * the step that answers its lookups: the scheduler first sends what waits behind it (the
     * database works on that while these answers are made), then runs the step.
     */
    CompletionStage<Runnable> send(List<Waiting<L>> batch);
  }

  /** One lookup from arrival to answer. */
  static final class Waiting<L> {
    private final L lookup;
    private final int rows;
    private final long deadlineNanos;
    private final CompletableFuture<LookupResult> result = new CompletableFuture<>();

    Waiting(L lookup, int rows, long deadlineNanos) {
      this.lookup = lookup;
      this.rows = rows;
      this.deadlineNanos = deadlineNanos;
    }

    L lookup() {
      return lookup;
    }

    /** Its answer, unless it has one already (its deadline passed first). */
    void answer(LookupResult answer) {
      result.complete(answer);
    }

    boolean isAnswered() {
      return result.isDone();
    }

    private boolean expired(long now) {
      return deadlineNanos - now <= 0;
    }
  }

  /** Lookups sent together in one statement. */
  private static final class Batch<L> {
    final List<Waiting<L>> lookups;
    final long startNanos;

    Batch(List<Waiting<L>> lookups, long startNanos) {
      this.lookups = lookups;
      this.startNanos = startNanos;
    }
  }

  /** What a step decided under the lock, carried out once the lock is released. */
  private static final class Plan<L> {
    static final long NO_TIMER = -1;

    final List<Batch<L>> batches = new ArrayList<>();
    long deadlineTimerNanos = NO_TIMER;
    long slowTimerNanos = NO_TIMER;
  }

  private final String mapName;
  private final BatchSettings settings;
  private final int maxRows;
  private final long timeoutNanos;
  private final BatchClock clock;
  private final Function<Throwable, LookupResult> failed;
  private final Send<L> send;

  /** Lookups not sent yet, in arrival order. */
  private final ArrayDeque<Waiting<L>> queue = new ArrayDeque<>();

  /** Lookups not known to be answered, in arrival (= deadline) order; answered ones drop off. */
  private final ArrayDeque<Waiting<L>> deadlines = new ArrayDeque<>();

  /** Batch statements sent and not completed, oldest first. */
  private final ArrayDeque<Batch<L>> running = new ArrayDeque<>();

  /** Whether the last batch statement to complete was slow: the next ones likely are too. */
  private boolean lastWasSlow;

  private boolean deadlineTimerArmed;
  private boolean slowTimerArmed;

  /**
   * @param maxRows key forms in one statement at most
   * @param failed the answer to a failure ({@link LookupFailure#busy()}, {@link
   *     LookupFailure#deadline()}); may log
   * @param send sends one batch statement
   */
  BatchScheduler(
      String mapName,
      BatchSettings settings,
      int maxRows,
      BatchClock clock,
      Function<Throwable, LookupResult> failed,
      Send<L> send) {
    this.mapName = mapName;
    this.settings = settings;
    this.maxRows = maxRows;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.lookupTimeoutMillis());
    this.clock = clock;
    this.failed = failed;
    this.send = send;
  }

  /**
   * Queues one lookup of {@code rows} key forms for the next batch that has room; never completes
   * exceptionally.
   */
  CompletionStage<LookupResult> submit(L lookup, int rows) {
    Waiting<L> waiting;
    Plan<L> plan = new Plan<>();
    synchronized (this) {
      long now = clock.nanoTime();
      dropExpiredWaiting(now);
      if (queue.size() >= settings.maxQueued()) {
        waiting = null;
      } else {
        waiting = new Waiting<>(lookup, rows, now + timeoutNanos);
        queue.add(waiting);
        deadlines.add(waiting);
        armDeadlineTimer(now, plan);
        takeBatches(now, plan);
        armSlowTimer(now, plan);
      }
    }
    if (waiting == null) {
      return CompletableFuture.completedFuture(failed.apply(LookupFailure.busy()));
    }
    carryOut(plan);
    return waiting.result;
  }

  /**
   * The batches that may start now, each counted as running. Under the lock.
   *
   * <ul>
   *   <li>Nothing running, and the last statement was fast: one statement takes every waiting
   *       lookup (up to {@link #maxRows} key forms), so the next ones share the statement after it.
   *   <li>The oldest running statement is slow (or nothing runs but the last one was slow): the
   *       waiting lookups go out now in as many statements as the map's share allows, each taking
   *       {@code 1/concurrentBatches} of the queue (at least one lookup). That is how unbatched
   *       lookups would share the pool: with statements that take long per key, a batch of every
   *       waiting lookup would take as long as running them one after another.
   *   <li>Otherwise (the running statement is fresh): nothing; the lookups wait to share the next.
   * </ul>
   */
  private void takeBatches(long now, Plan<L> plan) {
    Batch<L> oldest = running.peek();
    boolean slow =
        oldest == null ? lastWasSlow : now - oldest.startNanos >= settings.slowBatchNanos();
    if (oldest != null && !slow) {
      return;
    }
    if (!slow) {
      Batch<L> all = takeBatch(Integer.MAX_VALUE, now);
      if (all != null) {
        plan.batches.add(all);
      }
      return;
    }
    while (running.size() < settings.concurrentBatches()) {
      int part = Math.max(1, ceilDiv(queue.size(), settings.concurrentBatches()));
      Batch<L> next = takeBatch(part, now);
      if (next == null) {
        return;
      }
      plan.batches.add(next);
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /**
   * Up to {@code lookups} waiting lookups (and at most {@link #maxRows} key forms) as a batch
   * counted as running; null if none is waiting. Under the lock.
   */
  private @Nullable Batch<L> takeBatch(int lookups, long now) {
    List<Waiting<L>> batch = null;
    int rows = 0;
    while (!queue.isEmpty() && (batch == null || batch.size() < lookups)) {
      Waiting<L> next = queue.peek();
      if (next.isAnswered()) {
        queue.poll(); // its deadline passed while it waited
        continue;
      }
      if (batch != null && rows + next.rows > maxRows) {
        break;
      }
      queue.poll();
      if (batch == null) {
        batch = new ArrayList<>(Math.min(Math.min(queue.size() + 1, lookups), maxRows));
      }
      batch.add(next);
      rows += next.rows;
    }
    if (batch == null) {
      return null;
    }
    Batch<L> started = new Batch<>(batch, now);
    running.add(started);
    return started;
  }

  /**
   * Lookups whose deadline has passed leave the queue: they are answered (or about to be, by the
   * deadline timer) and are never sent, so they must not hold places in it. Under the lock.
   */
  private void dropExpiredWaiting(long now) {
    // The queue is in arrival order, and so in deadline order: the expired ones are its head.
    while (!queue.isEmpty() && (queue.peek().expired(now) || queue.peek().isAnswered())) {
      queue.poll();
    }
  }

  /**
   * While lookups wait behind a running statement that may turn slow, a timer checks back when it
   * would count as slow (one timer at most). Under the lock.
   */
  private void armSlowTimer(long now, Plan<L> plan) {
    Batch<L> oldest = running.peek();
    if (slowTimerArmed
        || queue.isEmpty()
        || oldest == null
        || running.size() >= settings.concurrentBatches()) {
      return;
    }
    slowTimerArmed = true;
    plan.slowTimerNanos = oldest.startNanos + settings.slowBatchNanos() - now;
  }

  /** Arms the one deadline timer for the oldest unanswered lookup. Under the lock. */
  private void armDeadlineTimer(long now, Plan<L> plan) {
    if (deadlineTimerArmed || deadlines.isEmpty()) {
      return;
    }
    deadlineTimerArmed = true;
    plan.deadlineTimerNanos = deadlines.peek().deadlineNanos - now;
  }

  /** Sends and sets what {@code plan} says; not under the lock. */
  private void carryOut(Plan<L> plan) {
    if (plan.deadlineTimerNanos != Plan.NO_TIMER) {
      clock.schedule(plan.deadlineTimerNanos, this::deadlinesDue);
    }
    if (plan.slowTimerNanos != Plan.NO_TIMER) {
      clock.schedule(plan.slowTimerNanos, this::slowCheckDue);
    }
    plan.batches.forEach(this::send);
  }

  private void slowCheckDue() {
    Plan<L> plan = new Plan<>();
    synchronized (this) {
      slowTimerArmed = false;
      long now = clock.nanoTime();
      takeBatches(now, plan);
      armSlowTimer(now, plan);
    }
    carryOut(plan);
  }

  private void send(Batch<L> batch) {
    CompletionStage<Runnable> done;
    try {
      done = send.send(batch.lookups);
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete((answering, error) -> statementDone(batch, answering, error));
  }

  private void statementDone(
      Batch<L> done, @Nullable Runnable answering, @Nullable Throwable error) {
    Plan<L> plan = new Plan<>();
    synchronized (this) {
      running.remove(done);
      while (!deadlines.isEmpty() && deadlines.peek().isAnswered()) {
        deadlines.poll();
      }
      long now = clock.nanoTime();
      lastWasSlow = now - done.startNanos >= settings.slowBatchNanos();
      takeBatches(now, plan);
      armSlowTimer(now, plan);
    }
    // The next batch goes out first: the database works on it while these answers are made.
    carryOut(plan);
    try {
      if (answering == null) {
        throw new IllegalStateException("batch statement ended without answers", error);
      }
      answering.run();
    } catch (RuntimeException e) {
      // A bug, not an outage; still one reply each, and never "not found".
      LookupResult answer = InternalErrors.answer(mapName, "batch answer", e);
      done.lookups.forEach(w -> w.answer(answer));
    }
  }

  private void deadlinesDue() {
    List<Waiting<L>> expired = new ArrayList<>();
    Plan<L> plan = new Plan<>();
    synchronized (this) {
      deadlineTimerArmed = false;
      long now = clock.nanoTime();
      while (!deadlines.isEmpty()) {
        Waiting<L> head = deadlines.peek();
        if (!head.isAnswered()) {
          if (!head.expired(now)) {
            break;
          }
          expired.add(head);
        }
        deadlines.poll();
      }
      dropExpiredWaiting(now);
      armDeadlineTimer(now, plan);
    }
    carryOut(plan);
    if (!expired.isEmpty()) {
      LookupResult timeout = failed.apply(LookupFailure.deadline());
      expired.forEach(w -> w.answer(timeout));
    }
  }
}
