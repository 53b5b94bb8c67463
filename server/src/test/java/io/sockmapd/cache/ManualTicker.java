package io.sockmapd.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when the test says so. */
final class ManualTicker implements Ticker {
  // Not zero: real nanoTime values are arbitrary, and the cache must not assume a start at 0.
  private final AtomicLong now = new AtomicLong(-1_000_000_000_000L);

  @Override
  public long read() {
    return now.get();
  }

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }
}
