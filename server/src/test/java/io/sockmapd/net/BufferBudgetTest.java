package io.sockmapd.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** Who is closed when {@code max_buffered_bytes} is reached. */
class BufferBudgetTest {
  private final BufferBudget budget = new BufferBudget(1000);

  @Test
  void grantsWithinTheBudgetAndTakesBackOnRelease() {
    EmbeddedChannel channel = new EmbeddedChannel();
    BufferBudget.Account account = budget.open(channel);
    assertThat(account.tryReserve(600)).isTrue();
    assertThat(account.tryReserve(400)).isTrue();
    assertThat(budget.usedBytes()).isEqualTo(1000);
    account.release(600);
    account.release(400);
    assertThat(budget.usedBytes()).isZero();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void aSmallRequestOverTheBudgetClosesTheLargestHolderNotTheAsker() {
    EmbeddedChannel small = new EmbeddedChannel();
    EmbeddedChannel large = new EmbeddedChannel();
    EmbeddedChannel bystander = new EmbeddedChannel();
    BufferBudget.Account smallAccount = budget.open(small);
    BufferBudget.Account largeAccount = budget.open(large);
    assertThat(smallAccount.tryReserve(300)).isTrue();
    assertThat(largeAccount.tryReserve(700)).isTrue();

    assertThat(budget.open(bystander).tryReserve(20)).isTrue();
    assertThat(large.isOpen()).isFalse();
    assertThat(small.isOpen()).isTrue();
    assertThat(bystander.isOpen()).isTrue();
    assertThat(budget.usedBytes()).isEqualTo(320);
    assertThat(budget.evictions()).isEqualTo(1);

    // The evicted connection's late releases cannot give back more than it still held.
    largeAccount.release(700);
    assertThat(budget.usedBytes()).isEqualTo(320);
    assertThat(largeAccount.tryReserve(1)).isFalse();
  }

  @Test
  void onATieTheOneAskingIsClosedAndTheEarlierFramesKeepTheirMemory() {
    EmbeddedChannel first = new EmbeddedChannel();
    EmbeddedChannel second = new EmbeddedChannel();
    assertThat(budget.open(first).tryReserve(500)).isTrue();
    assertThat(budget.open(second).tryReserve(500)).isTrue();
    EmbeddedChannel third = new EmbeddedChannel();
    assertThat(budget.open(third).tryReserve(500)).isFalse();
    assertThat(third.isOpen()).isFalse();
    assertThat(first.isOpen()).isTrue();
    assertThat(second.isOpen()).isTrue();
    assertThat(budget.usedBytes()).isEqualTo(1000);
  }

  @Test
  void aClosedConnectionGivesBackEverythingItHeld() {
    EmbeddedChannel channel = new EmbeddedChannel();
    assertThat(budget.open(channel).tryReserve(800)).isTrue();
    channel.close().syncUninterruptibly();
    assertThat(budget.usedBytes()).isZero();
  }
}
