package io.sockmapd.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
  private final AtomicLong clock = new AtomicLong(1_000);

  private void advance(Duration by) {
    clock.addAndGet(by.toNanos());
  }

  @Test
  void oneLineAtMostOncePerIntervalCountingTheHeldBack() {
    LogThrottle throttle =
        new LogThrottle(Duration.ofSeconds(1), 10, Duration.ofSeconds(1), clock::get);
    assertThat(throttle.tryAcquire()).isZero();
    assertThat(throttle.tryAcquire()).isEqualTo(-1);
    assertThat(throttle.tryAcquire()).isEqualTo(-1);
    advance(Duration.ofMillis(999));
    assertThat(throttle.tryAcquire()).isEqualTo(-1);
    advance(Duration.ofMillis(1));
    assertThat(throttle.tryAcquire()).isEqualTo(3);
  }

  @Test
  void eachKeyHasItsOwnLine() {
    LogThrottle throttle =
        new LogThrottle(Duration.ofSeconds(1), 10, Duration.ofSeconds(1), clock::get);
    assertThat(throttle.tryAcquire("a")).isZero();
    assertThat(throttle.tryAcquire("b")).isZero();
    assertThat(throttle.tryAcquire("a")).isEqualTo(-1);
    advance(Duration.ofSeconds(1));
    assertThat(throttle.tryAcquire("a")).isEqualTo(1);
    assertThat(throttle.tryAcquire("b")).isZero();
  }

  @Test
  void onceMeansOncePerKeyForEver() {
    LogThrottle throttle = new LogThrottle(LogThrottle.ONCE, 10, Duration.ofSeconds(1), clock::get);
    assertThat(throttle.tryAcquire("a")).isZero();
    advance(Duration.ofDays(365));
    assertThat(throttle.tryAcquire("a")).isEqualTo(-1);
    assertThat(throttle.tryAcquire("b")).isZero();
  }

  @Test
  void keysBeyondTheBoundShareOneLine() {
    LogThrottle throttle = new LogThrottle(LogThrottle.ONCE, 2, Duration.ofSeconds(10), clock::get);
    assertThat(throttle.tryAcquire("a")).isZero();
    assertThat(throttle.tryAcquire("b")).isZero();
    assertThat(throttle.tryAcquire("c")).isZero(); // the shared line's first
    assertThat(throttle.tryAcquire("d")).isEqualTo(-1);
    assertThat(throttle.tryAcquire("e")).isEqualTo(-1);
    advance(Duration.ofSeconds(10));
    assertThat(throttle.tryAcquire("f")).isEqualTo(2);
    assertThat(throttle.tryAcquire("a")).isEqualTo(-1); // remembered: logged once already
  }
}
