package io.sockmapd.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The fair share and the per-client count. */
class ClientSharesTest {

  @Test
  void fairShareLeavesRoomForANewcomerAndNeverFallsBelowTheFloor() {
    ClientShares.FairShare share = new ClientShares.FairShare(1000, 32);
    // Nobody busy: a first lookup may start; from then on the lone client counts itself.
    assertThat(share.share(0)).isEqualTo(1000);
    assertThat(share.share(1)).isEqualTo(500);
    assertThat(share.share(3)).isEqualTo(250);
    assertThat(share.share(100)).isEqualTo(32);
  }

  @Test
  void aClientIsCountedOverAllItsConnectionsAndWokenWhenUnderItsShare() {
    ClientShares shares = new ClientShares(new ClientShares.FixedShare(2));
    ClientShares.Client first = shares.join(new EmbeddedChannel());
    ClientShares.Client second = shares.join(new EmbeddedChannel());
    assertThat(second).isSameAs(first);
    assertThat(first.tryStart()).isTrue();
    assertThat(second.tryStart()).isTrue();
    assertThat(second.tryStart()).isFalse();
    assertThat(shares.busyClients()).isEqualTo(1);

    int[] woken = new int[1];
    second.park(() -> woken[0]++);
    first.finished();
    assertThat(woken[0]).isEqualTo(1);
    assertThat(second.tryStart()).isTrue();
    first.finished();
    second.finished();
    assertThat(first.inFlight()).isZero();
    assertThat(shares.busyClients()).isZero();
  }
}
