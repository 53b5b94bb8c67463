package io.sockmapd.sql;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** The time a {@link BatchScheduler} reads and the timers it sets; tests drive one by hand. */
interface BatchClock {

  /** Now, as {@link System#nanoTime()} counts it. */
  long nanoTime();

  /** Runs {@code task} once, no earlier than {@code delayNanos} from now; never blocks. */
  void schedule(long delayNanos, Runnable task);

  /** System time and Vert.x timers. */
  static BatchClock of(Vertx vertx) {
    return new BatchClock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void schedule(long delayNanos, Runnable task) {
        vertx.setTimer(toTimerMillis(delayNanos), id -> task.run());
      }
    };
  }

  /** A timer delay in whole milliseconds (at least 1) that is never shorter than {@code nanos}. */
  static long toTimerMillis(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
  }
}
