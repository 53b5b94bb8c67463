package io.sockmapd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProbePaceTest {
  private final ProbePace defaults = new ProbePace(10_000);

  @Test
  void withANodeUpADownNodeWaitsRetryInterval() {
    assertThat(defaults.delayMillis(0, true, false)).isEqualTo(10_000);
    assertThat(defaults.delayMillis(7, true, false)).isEqualTo(10_000);
  }

  @Test
  void withNoNodeUpProbesComeAfterHalfASecondThenEverySecond() {
    assertThat(defaults.delayMillis(0, false, false)).isEqualTo(500);
    assertThat(defaults.delayMillis(1, false, false)).isEqualTo(1_000);
    assertThat(defaults.delayMillis(1_000, false, false)).isEqualTo(1_000);
  }

  @Test
  void neverSlowerThanAShortRetryInterval() {
    assertThat(new ProbePace(200).delayMillis(3, false, false)).isEqualTo(200);
  }

  @Test
  void aTlsFailureWaitsRetryIntervalEvenWithNoNodeUp() {
    assertThat(defaults.delayMillis(0, false, true)).isEqualTo(10_000);
  }
}
