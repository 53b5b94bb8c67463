package io.sockmapd.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sockmapd.codec.FrameBudget;
import io.sockmapd.config.Limits;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.MapRegistry;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A tcp_table connection's pipeline (its protocol's codecs and the shared lookup handler) on an
 * embedded channel: what each outcome is answered, and that pipelined replies keep request order.
 */
class TcpTableLookupTest {
  private final Map<String, CompletableFuture<LookupResult>> lookups = new ConcurrentHashMap<>();
  private final MapLookup map = key -> lookups.computeIfAbsent(key, k -> new CompletableFuture<>());
  private final BufferBudget budget = new BufferBudget(1_000_000);
  private final ClientShares shares = new ClientShares(new ClientShares.FixedShare(8));
  private final OversizedReplies oversized = new OversizedReplies(100_000);

  private EmbeddedChannel channel() {
    EmbeddedChannel channel = new EmbeddedChannel();
    LookupProtocol protocol = LookupProtocol.tcpTable("m");
    protocol.addCodecs(channel.pipeline(), Limits.defaults(), FrameBudget.UNLIMITED);
    channel
        .pipeline()
        .addLast(
            new LookupHandler(
                protocol,
                new RequestDispatcher(new MapRegistry(Map.of("m", map))),
                new ProtocolViolations(),
                8,
                null,
                shares.join(channel),
                budget.open(channel),
                oversized));
    return channel;
  }

  private static String replies(EmbeddedChannel channel) {
    channel.runPendingTasks();
    StringBuilder replies = new StringBuilder();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      replies.append(out.toString(UTF_8));
      out.release();
    }
    return replies.toString();
  }

  @Test
  void eachOutcomeHasItsStatusAndRepliesKeepRequestOrder() {
    EmbeddedChannel channel = channel();
    channel.writeInbound(
        Unpooled.copiedBuffer(
            "get a%20b\nget missing\nget down\nget slow\nget odd\nget \nput x y\n", UTF_8));
    // Completed out of order: the replies wait for the earlier ones.
    lookups.get("odd").complete(LookupResult.found("100% ü"));
    lookups.get("slow").complete(LookupResult.timeout("lookup timed out"));
    lookups.get("down").complete(LookupResult.temp("database unavailable"));
    lookups.get("missing").complete(LookupResult.notFound());
    assertThat(replies(channel)).isEmpty();
    lookups.get("a b").complete(LookupResult.found("x"));

    assertThat(replies(channel))
        .isEqualTo(
            "200 x\n"
                + "500 not%20found\n"
                + "400 database%20unavailable\n"
                + "400 lookup%20timed%20out\n"
                + "200 100%25%20%C3%BC\n"
                // An empty key is not found without a lookup; an unknown command is a 400.
                + "500 not%20found\n"
                + "400 malformed%20request\n");
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void aKeyThatIsNotUtf8IsNotFoundWithoutALookup() {
    EmbeddedChannel channel = channel();
    channel.writeInbound(Unpooled.copiedBuffer("get caf%E9\n", UTF_8));

    assertThat(replies(channel)).isEqualTo("500 not%20found\n");
    assertThat(lookups).isEmpty();
  }

  @Test
  void aReplyOverPostfixsLimitIsATemporaryError() {
    EmbeddedChannel channel = channel();
    channel.writeInbound(Unpooled.copiedBuffer("get big\n", UTF_8));
    // 1400 spaces quote to 4200 bytes: over Postfix's 4096.
    lookups.get("big").complete(LookupResult.found(" ".repeat(1400)));

    assertThat(replies(channel)).isEqualTo("400 reply%20too%20large\n");
    assertThat(oversized.count()).isEqualTo(1);
    assertThat(channel.isActive()).isTrue();
  }
}
