package io.sockmapd.sql;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.lookup.LookupResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What every lookup on one database goes through before and around its statement, whichever
 * executor runs it: the {@code max_in_flight} bound (beyond it, {@code TEMP} at once), the map's
 * {@link StatementShare} of the connections (a wait in arrival order), and one deadline ({@code
 * lookup_timeout}, from admission on) after which the lookup is answered {@code TIMEOUT} and
 * whatever comes later is dropped.
 *
 * <p>The deadline is a timer racing the work rather than {@code Future.timeout}, so a passed
 * deadline ({@code TIMEOUT}) can't be confused with the pool's own wait limit ({@code TEMP}). A
 * statement that outlives its deadline keeps its in-flight slot and its map's share until it really
 * ends: the bounds count work the database is doing, not replies sent.
 */
public final class LookupAdmission {
  private final Vertx vertx;
  private final long deadlineMillis;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  public LookupAdmission(Vertx vertx, DatabaseConfig database) {
    this.vertx = vertx;
    this.deadlineMillis = Math.max(1, database.lookupTimeout().toMillis());
    this.maxInFlight = database.maxInFlight();
  }

  /**
   * Admits one lookup. {@code start} runs once the lookup has its slot and its share (at once
   * without a {@code share}), unless the deadline passed while it waited; it reports the work it
   * starts with {@link Admitted#workStarted()} and {@link Admitted#workEnded()} and answers through
   * {@link Admitted#complete} or {@link Admitted#fail}.
   *
   * @return the lookup's answer: completes exactly once, at the latest at the deadline
   */
  public <T> Future<T> admit(@Nullable StatementShare share, Consumer<Admitted<T>> start) {
    if (closed.get()) {
      return Future.failedFuture(new LookupFailure(LookupResult.temp("database is closing")));
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return Future.failedFuture(LookupFailure.busy());
    }
    Admitted<T> lookup = new Admitted<>(share);
    long timer = vertx.setTimer(deadlineMillis, id -> lookup.deadlinePassed());
    lookup
        .result
        .future()
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              lookup.releaseIfIdle();
            });
    if (share == null) {
      start.accept(lookup);
    } else {
      share.acquire(
          () -> {
            lookup.holdsShare.set(true);
            if (lookup.isAnswered()) {
              lookup.releaseIfIdle(); // the deadline passed while it waited: never sent
            } else {
              start.accept(lookup);
            }
          });
    }
    return lookup.result.future();
  }

  /** Lookups admitted and not yet finished with the database; for tests and metrics. */
  public int inFlight() {
    return inFlight.get();
  }

  /** From now on, lookups are answered {@code TEMP database is closing} at once. */
  public void close() {
    closed.set(true);
  }

  /**
   * One admitted lookup: its answer, its deadline, and whether work of its own is running on the
   * database (which keeps its slot and share after the answer).
   */
  public final class Admitted<T> {
    private final Promise<T> result = Promise.promise();
    private final long deadlineNanos =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
    private final @Nullable StatementShare share;
    private final AtomicBoolean holdsShare = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean working;
    private volatile @Nullable Runnable onDeadline;

    private Admitted(@Nullable StatementShare share) {
      this.share = share;
    }

    /** Milliseconds left until the deadline; zero or less once it passed. */
    public long remainingMillis() {
      return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    /** Whether the lookup has its answer (maybe the deadline's). */
    public boolean isAnswered() {
      return result.future().isComplete();
    }

    /** Answers the lookup; false (and dropped) if it was answered already. */
    public boolean complete(T value) {
      return result.tryComplete(value);
    }

    /** Fails the lookup; false (and dropped) if it was answered already. */
    public boolean fail(Throwable failure) {
      return result.tryFail(failure);
    }

    /** What to do when the deadline, rather than the work, answers the lookup. */
    public void onDeadline(Runnable action) {
      this.onDeadline = action;
    }

    /** Work of this lookup runs on the database now. */
    public void workStarted() {
      working = true;
    }

    /** The work ended; once the lookup is answered too, its slot and share are given back. */
    public void workEnded() {
      working = false;
      releaseIfIdle();
    }

    private void deadlinePassed() {
      if (result.tryFail(LookupFailure.deadline())) {
        Runnable action = onDeadline;
        if (action != null) {
          action.run();
        }
      }
    }

    private void releaseIfIdle() {
      if (!working && isAnswered()) {
        if (released.compareAndSet(false, true)) {
          inFlight.decrementAndGet();
        }
        if (share != null && holdsShare.compareAndSet(true, false)) {
          share.release();
        }
      }
    }
  }
}
