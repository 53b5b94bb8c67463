package io.sockmapd.net;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets a log line through at most once per interval and counts the ones it held back, so that a
 * misbehaving client or a flood of connections cannot fill the log. Thread-safe.
 */
final class LogThrottle {
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final AtomicLong nextAllowed;
  private final AtomicLong suppressed = new AtomicLong();

  LogThrottle(Duration interval) {
    this(interval, System::nanoTime);
  }

  LogThrottle(Duration interval, LongSupplier nanoClock) {
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
    this.nextAllowed = new AtomicLong(nanoClock.getAsLong());
  }

  /**
   * Returns -1 when the caller must stay quiet; otherwise the caller may log now, and the result is
   * how many events were held back since the last line that got through.
   */
  long tryAcquire() {
    long now = nanoClock.getAsLong();
    long next = nextAllowed.get();
    if (now - next >= 0 && nextAllowed.compareAndSet(next, now + intervalNanos)) {
      return suppressed.getAndSet(0);
    }
    suppressed.incrementAndGet();
    return -1;
  }
}
