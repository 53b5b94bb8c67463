package io.sockmapd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.Test;

/** The daemon's I/O threads are sized to the machine, not fixed at two. */
class VertxEventLoopsTest {

  @Test
  void oneLoopPerTwoCoresAndAtLeastOne() {
    assertThat(VertxEventLoops.count(16, null)).isEqualTo(8);
    assertThat(VertxEventLoops.count(3, null)).isEqualTo(1);
    assertThat(VertxEventLoops.count(2, null)).isEqualTo(1);
    assertThat(VertxEventLoops.count(1, null)).isEqualTo(1);
  }

  @Test
  void thePropertyOverridesTheCoreCount() {
    assertThat(VertxEventLoops.count(16, " 3 ")).isEqualTo(3);
    assertThatThrownBy(() -> VertxEventLoops.count(16, "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(VertxEventLoops.COUNT_PROPERTY);
    assertThatThrownBy(() -> VertxEventLoops.count(16, "many"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDaemonsVertxHasThatManyLoops() {
    // Five: neither the old fixed two nor this machine's core count, whatever the machine.
    System.setProperty(VertxEventLoops.COUNT_PROPERTY, "5");
    Vertx vertx;
    try {
      vertx = Daemon.newVertx();
    } finally {
      System.clearProperty(VertxEventLoops.COUNT_PROPERTY);
    }
    try {
      int loops = 0;
      for (EventExecutor ignored : ((VertxInternal) vertx).nettyEventLoopGroup()) {
        loops++;
      }
      assertThat(loops).isEqualTo(5);
    } finally {
      var unused = vertx.close().await();
    }
  }
}
