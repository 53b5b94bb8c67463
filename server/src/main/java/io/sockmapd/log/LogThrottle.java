package io.sockmapd.log;

import io.sockmapd.metrics.DaemonMetrics;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets a log line through at most once per interval and counts the ones it held back, so that a
 * misbehaving client, a flood of connections or an outage cannot fill the log. The one throttle of
 * the daemon: a line may be throttled as a whole ({@link #tryAcquire()}) or per key, such as a map
 * name or a failure's reason ({@link #tryAcquire(String)}), and a key may be let through only once.
 * The keys remembered are bounded; beyond the bound, new keys share one line. What it holds back is
 * counted in the metrics under its name, so a quiet log does not hide a flood. Thread-safe.
 */
public final class LogThrottle {
  /** The interval of a line that is let through once per key, and never again. */
  public static final Duration ONCE = Duration.ofNanos(Long.MAX_VALUE);

  private static final int DEFAULT_MAX_KEYS = 1000;

  private final long intervalNanos;
  private final int maxKeys;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();
  private final String name;
  private final DaemonMetrics metrics;

  /** The line of {@link #tryAcquire()}, and of the keys beyond {@code maxKeys}. */
  private final Gate shared;

  /** One line, at most once per {@code interval}. */
  public LogThrottle(Duration interval) {
    this(interval, DEFAULT_MAX_KEYS, interval, System::nanoTime);
  }

  /** For tests: one line, with a clock of their own. */
  public LogThrottle(Duration interval, LongSupplier nanoClock) {
    this(interval, DEFAULT_MAX_KEYS, interval, nanoClock);
  }

  /**
   * One line, at most once per {@code interval}, counting what it holds back in {@code metrics}.
   *
   * @param name the log line's name in the metrics (a fixed word, such as {@code framing_error})
   */
  public LogThrottle(Duration interval, String name, DaemonMetrics metrics) {
    this(interval, DEFAULT_MAX_KEYS, interval, System::nanoTime, name, metrics);
  }

  /**
   * Lines per key, each at most once per {@code interval} ({@link #ONCE}: once at all); the keys
   * beyond the {@code maxKeys} first share one line, at most once per {@code overflowInterval}.
   */
  public LogThrottle(Duration interval, int maxKeys, Duration overflowInterval) {
    this(interval, maxKeys, overflowInterval, System::nanoTime);
  }

  /** For tests: with a clock of their own. */
  public LogThrottle(
      Duration interval, int maxKeys, Duration overflowInterval, LongSupplier nanoClock) {
    this(interval, maxKeys, overflowInterval, nanoClock, "", DaemonMetrics.NONE);
  }

  private LogThrottle(
      Duration interval,
      int maxKeys,
      Duration overflowInterval,
      LongSupplier nanoClock,
      String name,
      DaemonMetrics metrics) {
    this.name = name;
    this.metrics = metrics;
    this.intervalNanos = interval.toNanos();
    this.maxKeys = maxKeys;
    this.nanoClock = nanoClock;
    this.shared = new Gate(overflowInterval.toNanos(), nanoClock.getAsLong());
  }

  /**
   * Returns -1 when the caller must stay quiet; otherwise the caller may log now, and the result is
   * how many events were held back since the last line that got through.
   */
  public long tryAcquire() {
    return counted(shared.tryAcquire(nanoClock.getAsLong()));
  }

  /** As {@link #tryAcquire()}, for the line of {@code key}. */
  public long tryAcquire(String key) {
    long now = nanoClock.getAsLong();
    Gate gate = gates.get(key);
    if (gate == null) {
      if (gates.size() >= maxKeys) {
        return counted(shared.tryAcquire(now));
      }
      gate = gates.computeIfAbsent(key, k -> new Gate(intervalNanos, now));
    }
    return counted(gate.tryAcquire(now));
  }

  private long counted(long acquired) {
    if (acquired < 0) {
      metrics.logSuppressed(name);
    }
    return acquired;
  }

  /** One line's state: when it may next be logged, and how many were held back meanwhile. */
  private static final class Gate {
    private final long intervalNanos;
    private final AtomicLong nextAllowed;
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicBoolean logged = new AtomicBoolean();

    Gate(long intervalNanos, long now) {
      this.intervalNanos = intervalNanos;
      this.nextAllowed = new AtomicLong(now);
    }

    long tryAcquire(long now) {
      if (intervalNanos == Long.MAX_VALUE) {
        if (logged.compareAndSet(false, true)) {
          return 0;
        }
      } else {
        long next = nextAllowed.get();
        if (now - next >= 0 && nextAllowed.compareAndSet(next, now + intervalNanos)) {
          return suppressed.getAndSet(0);
        }
      }
      suppressed.incrementAndGet();
      return -1;
    }
  }
}
