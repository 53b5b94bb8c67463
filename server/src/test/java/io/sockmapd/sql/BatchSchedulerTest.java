package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.BatchScheduler.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The scheduling half of natural batching ({@link BatchScheduler}) without a database: statements
 * are a fake send whose completion the test decides, time is a clock the test moves.
 */
class BatchSchedulerTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static final Duration SLOW = Duration.ofMillis(5);
  private static final LookupResult TIMED_OUT =
      LookupResult.timeout("database did not answer in time");
  private static final LookupResult BUSY = LookupResult.temp("too many lookups in flight");

  /** Time that moves only when told; timers run when it passes them. */
  static final class ManualClock implements BatchClock {
    private record Timer(long dueNanos, Runnable task) {}

    private long now = 1_000_000_000L;
    private final List<Timer> timers = new ArrayList<>();

    @Override
    public synchronized long nanoTime() {
      return now;
    }

    @Override
    public void schedule(long delayNanos, Runnable task) {
      synchronized (this) {
        timers.add(new Timer(now + Math.max(0, delayNanos), task));
      }
    }

    /** Moves time on by {@code step}, running each timer it passes in due order. */
    void advance(Duration step) {
      long until;
      synchronized (this) {
        until = now + step.toNanos();
      }
      while (true) {
        Timer due;
        synchronized (this) {
          due =
              timers.stream()
                  .filter(t -> t.dueNanos() <= until)
                  .min(Comparator.comparingLong(Timer::dueNanos))
                  .orElse(null);
          if (due == null) {
            now = until;
            return;
          }
          timers.remove(due);
          now = Math.max(now, due.dueNanos());
        }
        due.task().run();
      }
    }
  }

  /** Batch statements that run until the test finishes them. */
  static final class FakeSend implements BatchScheduler.Send<String> {
    final List<List<Waiting<String>>> sent = new ArrayList<>();
    final List<CompletableFuture<Runnable>> statements = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<Runnable> send(List<Waiting<String>> batch) {
      sent.add(batch);
      CompletableFuture<Runnable> statement = new CompletableFuture<>();
      statements.add(statement);
      return statement;
    }

    /** The keys of each statement sent so far. */
    synchronized List<List<String>> batches() {
      return sent.stream().map(b -> b.stream().map(Waiting::lookup).toList()).toList();
    }

    /** Ends statement {@code index}, answering each of its lookups with its own key. */
    void finish(int index) {
      List<Waiting<String>> batch;
      CompletableFuture<Runnable> statement;
      synchronized (this) {
        batch = sent.get(index);
        statement = statements.get(index);
      }
      statement.complete(() -> batch.forEach(w -> w.answer(LookupResult.found(w.lookup()))));
    }
  }

  private final ManualClock clock = new ManualClock();
  private final FakeSend send = new FakeSend();

  /** When a running statement counts as slow. */
  private Duration slow = SLOW;

  private BatchScheduler<String> scheduler(int concurrentBatches, int maxQueued, int maxRows) {
    return scheduler(concurrentBatches, maxQueued, maxRows, BatchSchedulerTest::answerTo);
  }

  private BatchScheduler<String> scheduler(
      int concurrentBatches, int maxQueued, int maxRows, Function<Throwable, LookupResult> failed) {
    BatchSettings settings =
        new BatchSettings(null, TIMEOUT.toMillis(), concurrentBatches, slow.toNanos(), maxQueued);
    return new BatchScheduler<>("m", settings, maxRows, clock, failed, send);
  }

  private static LookupResult answerTo(Throwable failure) {
    return ((LookupFailure) failure).result();
  }

  private static CompletableFuture<LookupResult> submit(
      BatchScheduler<String> scheduler, String key) {
    return scheduler.submit(key, 1).toCompletableFuture();
  }

  /** Submits lookups whose answers the test does not look at. */
  private static void enqueue(BatchScheduler<String> scheduler, String key) {
    scheduler.submit(key, 1);
  }

  @Test
  void aLoneLookupIsSentAtOnce() {
    BatchScheduler<String> scheduler = scheduler(3, 100, 128);
    CompletableFuture<LookupResult> a = submit(scheduler, "a");
    assertThat(send.batches()).containsExactly(List.of("a"));
    send.finish(0);
    assertThat(a).isCompletedWithValue(LookupResult.found("a"));
  }

  @Test
  void lookupsArrivingWhileAStatementRunsShareTheNextOne() {
    BatchScheduler<String> scheduler = scheduler(3, 100, 128);
    enqueue(scheduler, "a");
    CompletableFuture<LookupResult> b = submit(scheduler, "b");
    CompletableFuture<LookupResult> c = submit(scheduler, "c");
    assertThat(send.batches()).hasSize(1);
    send.finish(0);
    assertThat(send.batches()).containsExactly(List.of("a"), List.of("b", "c"));
    assertThat(b).isNotDone();
    send.finish(1);
    assertThat(b).isCompletedWithValue(LookupResult.found("b"));
    assertThat(c).isCompletedWithValue(LookupResult.found("c"));
  }

  @Test
  void aBatchTakesAtMostMaxRowsKeyForms() {
    BatchScheduler<String> scheduler = scheduler(3, 100, 4);
    enqueue(scheduler, "first");
    scheduler.submit("a", 3);
    scheduler.submit("b", 2);
    scheduler.submit("c", 2);
    send.finish(0);
    assertThat(send.batches()).containsExactly(List.of("first"), List.of("a"));
    send.finish(1);
    assertThat(send.batches()).last().isEqualTo(List.of("b", "c"));
  }

  @Test
  void behindASlowStatementTheWaitingLookupsAreSpreadOverTheMapsShare() {
    BatchScheduler<String> scheduler = scheduler(3, 100, 128);
    enqueue(scheduler, "a");
    for (String key : List.of("b", "c", "d", "e")) {
      enqueue(scheduler, key);
    }
    assertThat(send.batches()).hasSize(1);
    // Once the running statement counts as slow, the timer sends waiting lookups in two more
    // statements (the map's share is three), each with a third of the queue at the time.
    clock.advance(SLOW);
    assertThat(send.batches()).containsExactly(List.of("a"), List.of("b", "c"), List.of("d"));
    // A new lookup waits: three statements run.
    enqueue(scheduler, "f");
    assertThat(send.batches()).hasSize(3);
    // Once statements are fast again, one takes every waiting lookup.
    send.finish(0);
    send.finish(1);
    send.finish(2);
    assertThat(send.batches()).last().isEqualTo(List.of("e", "f"));
  }

  @Test
  void eachLookupGetsItsOwnDeadlineAndExactlyOneAnswer() {
    slow = Duration.ofHours(1); // the lookup waits behind the running statement
    BatchScheduler<String> scheduler = scheduler(3, 100, 128);
    CompletableFuture<LookupResult> sent = submit(scheduler, "a");
    clock.advance(TIMEOUT.dividedBy(2));
    CompletableFuture<LookupResult> waiting = submit(scheduler, "b");
    clock.advance(TIMEOUT.dividedBy(2));
    assertThat(sent).isCompletedWithValue(TIMED_OUT);
    assertThat(waiting).isNotDone();
    clock.advance(TIMEOUT.dividedBy(2));
    assertThat(waiting).isCompletedWithValue(TIMED_OUT);
    // The late statement's answer is dropped, and the expired lookup is never sent.
    send.finish(0);
    assertThat(sent).isCompletedWithValue(TIMED_OUT);
    assertThat(send.batches()).containsExactly(List.of("a"));
  }

  @Test
  void beyondMaxQueuedWaitingLookupsANewOneIsAnsweredBusy() {
    BatchScheduler<String> scheduler = scheduler(1, 2, 128);
    enqueue(scheduler, "running");
    enqueue(scheduler, "a");
    enqueue(scheduler, "b");
    assertThat(submit(scheduler, "c")).isCompletedWithValue(BUSY);
  }

  /**
   * Two hung statements (the map's whole share) and lookups waiting behind them until their
   * deadlines pass: once answered, those no longer count toward the limit, so a new lookup waits
   * for its turn instead of being refused as "too many lookups in flight".
   */
  @Test
  void expiredWaitingLookupsDoNotCountTowardTheLimit() {
    BatchScheduler<String> scheduler = scheduler(2, 2, 128);
    enqueue(scheduler, "hung1");
    clock.advance(SLOW);
    enqueue(scheduler, "hung2");
    assertThat(send.batches()).hasSize(2);
    CompletableFuture<LookupResult> a = submit(scheduler, "a");
    CompletableFuture<LookupResult> b = submit(scheduler, "b");
    clock.advance(TIMEOUT);
    assertThat(a).isCompletedWithValue(TIMED_OUT);
    assertThat(b).isCompletedWithValue(TIMED_OUT);
    CompletableFuture<LookupResult> next = submit(scheduler, "next");
    assertThat(next).isNotDone();
    send.finish(0);
    assertThat(send.batches()).last().isEqualTo(List.of("next"));
    send.finish(2);
    assertThat(next).isCompletedWithValue(LookupResult.found("next"));
  }

  /**
   * The failure answer logs: a log appender that stalls the thread answering "busy" must not stall
   * the map's other lookups, so the scheduler's lock is not held while it is called.
   */
  @Test
  void aStalledFailureAnswerDoesNotStallOtherLookups() throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BatchScheduler<String> scheduler =
        scheduler(
            1,
            1,
            128,
            failure -> {
              if (stalled.getCount() > 0) {
                stalled.countDown();
                await(release);
              }
              return answerTo(failure);
            });
    enqueue(scheduler, "running");
    enqueue(scheduler, "waiting");
    CompletableFuture<LookupResult> refused =
        CompletableFuture.supplyAsync(() -> scheduler.submit("refused", 1)).thenCompose(s -> s);
    assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      CompletableFuture<LookupResult> other =
          CompletableFuture.supplyAsync(() -> scheduler.submit("other", 1)).thenCompose(s -> s);
      assertThat(other.get(2, TimeUnit.SECONDS)).isEqualTo(BUSY);
    } finally {
      release.countDown();
    }
    assertThat(refused.get(10, TimeUnit.SECONDS)).isEqualTo(BUSY);
  }

  /** Likewise setting a timer calls out (to Vert.x): not under the lock either. */
  @Test
  void aStalledTimerDoesNotStallOtherLookups() throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BatchClock stalling =
        new BatchClock() {
          @Override
          public long nanoTime() {
            return clock.nanoTime();
          }

          @Override
          public void schedule(long delayNanos, Runnable task) {
            if (stalled.getCount() > 0) {
              stalled.countDown();
              await(release);
            }
            clock.schedule(delayNanos, task);
          }
        };
    BatchSettings settings = new BatchSettings(null, TIMEOUT.toMillis(), 1, SLOW.toNanos(), 100);
    BatchScheduler<String> scheduler =
        new BatchScheduler<>("m", settings, 128, stalling, BatchSchedulerTest::answerTo, send);
    CompletableFuture<CompletionStage<LookupResult>> first =
        CompletableFuture.supplyAsync(() -> scheduler.submit("first", 1));
    assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      CompletableFuture.runAsync(() -> scheduler.submit("other", 1)).get(2, TimeUnit.SECONDS);
    } finally {
      release.countDown();
    }
    CompletionStage<LookupResult> answer = first.get(10, TimeUnit.SECONDS);
    send.finish(0);
    assertThat(answer.toCompletableFuture()).isCompletedWithValue(LookupResult.found("first"));
    assertThat(send.batches()).containsExactly(List.of("first"), List.of("other"));
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
