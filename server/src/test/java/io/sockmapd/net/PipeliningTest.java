package io.sockmapd.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.Limits;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Requests sent back to back without waiting are answered in request order. */
class PipeliningTest {

  /** Later keys finish first: the delay shrinks as the key number grows, with some jitter. */
  private static long outOfOrderDelay(String key) {
    int n = Integer.parseInt(key);
    return (n * 7L) % 11 + (n % 2 == 0 ? 20 : 0);
  }

  private static byte[] requests(int count) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      all.writeBytes(BlockingSocketmapClient.netstring(("slow " + i).getBytes(UTF_8)));
    }
    return all.toByteArray();
  }

  private static void assertAnsweredInOrder(BlockingSocketmapClient client, int count)
      throws Exception {
    for (int i = 0; i < count; i++) {
      assertThat(new String(client.readPayload(), UTF_8)).isEqualTo("OK v" + i);
    }
  }

  @Test
  void repliesComeInRequestOrderWhenLookupsFinishOutOfOrder() throws Exception {
    TestMaps.Delayed slow = new TestMaps.Delayed(PipeliningTest::outOfOrderDelay);
    try (var fixture =
            ServerFixture.start(
                Map.of("slow", slow), ServerFixture.limits(100, 500, Duration.ofMinutes(1)));
        var client = fixture.connect()) {
      client.writeRaw(requests(200));
      assertAnsweredInOrder(client, 200);
      assertThat(slow.maxRunning.get()).as("lookups really overlapped").isGreaterThan(1);
    }
  }

  @Test
  void moreRequestsThanThePendingLimitAreAllAnsweredAndLookupsStayBounded() throws Exception {
    TestMaps.Delayed slow = new TestMaps.Delayed(PipeliningTest::outOfOrderDelay);
    Limits limits = ServerFixture.limits(100, 4, Duration.ofMinutes(1));
    try (var fixture = ServerFixture.start(Map.of("slow", slow), limits);
        var client = fixture.connect()) {
      client.writeRaw(requests(1000));
      assertAnsweredInOrder(client, 1000);
      assertThat(slow.calls.get()).isEqualTo(1000);
      assertThat(slow.maxRunning.get()).isBetween(2, 4);
    }
  }
}
