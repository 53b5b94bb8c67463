package io.sockmapd.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.sockmapd.config.Endpoint;
import io.sockmapd.net.RefusedConnections.Reason;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Refused connections are closed, counted per reason, and logged once per interval. */
class RefusedConnectionsTest {
  private static final Endpoint LISTENER = new Endpoint.Inet("0.0.0.0", 8732);

  @Test
  void aFloodIsOneLinePerIntervalAndReasonWithTheNumberHeldBack() {
    AtomicLong now = new AtomicLong();
    RefusedConnections refusals = new RefusedConnections(5, now::get);
    try (var log = LogLines.attach(RefusedConnections.class)) {
      for (int i = 0; i < 4; i++) {
        EmbeddedChannel channel = new EmbeddedChannel();
        refusals.refuse(channel, LISTENER, Reason.NOT_ALLOWED);
        assertThat(channel.isOpen()).isFalse();
      }
      refusals.refuse(new EmbeddedChannel(), LISTENER, Reason.CLIENT_CONNECTION_LIMIT);
      now.addAndGet(Duration.ofSeconds(10).toNanos());
      refusals.refuse(new EmbeddedChannel(), LISTENER, Reason.NOT_ALLOWED);

      assertThat(log.lines())
          .containsExactly(
              "WARN refused connection from embedded to inet:0.0.0.0:8732: not in its allow list",
              "WARN max_connections_per_client (5) reached: closed new connection from embedded"
                  + " to inet:0.0.0.0:8732",
              "WARN refused connection from embedded to inet:0.0.0.0:8732: not in its allow list"
                  + " (and 3 more since the last message)");
    }
    assertThat(refusals.count(Reason.NOT_ALLOWED)).isEqualTo(5);
    assertThat(refusals.count(Reason.CLIENT_CONNECTION_LIMIT)).isEqualTo(1);
  }
}
