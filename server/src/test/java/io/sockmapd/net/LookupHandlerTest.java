package io.sockmapd.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.sockmapd.codec.NetstringFrameDecoder;
import io.sockmapd.codec.SocketmapRequestDecoder;
import io.sockmapd.codec.SocketmapResponseEncoder;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.MapRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The lookup handler's flow control on an embedded channel: writability, half-close and the
 * client's share, with lookups the test completes by hand.
 */
class LookupHandlerTest {
  private final Map<String, CompletableFuture<LookupResult>> lookups = new ConcurrentHashMap<>();
  private final MapLookup map = key -> lookups.computeIfAbsent(key, k -> new CompletableFuture<>());
  private final BufferBudget budget = new BufferBudget(1_000_000);
  private final ClientShares shares = new ClientShares(new ClientShares.FixedShare(3));

  private OversizedReplies oversized = new OversizedReplies(100_000);

  private EmbeddedChannel channel() {
    return channel(budget);
  }

  private EmbeddedChannel channel(BufferBudget budget) {
    EmbeddedChannel channel = new EmbeddedChannel();
    BufferBudget.Account buffers = budget.open(channel);
    channel
        .pipeline()
        .addLast(
            new NetstringFrameDecoder(1000, buffers),
            new SocketmapRequestDecoder(),
            new SocketmapResponseEncoder(oversized.maxReplySize()),
            new LookupHandler(
                LookupProtocol.socketmap(oversized.maxReplySize()),
                new RequestDispatcher(new MapRegistry(Map.of("m", map))),
                new ProtocolViolations(),
                4,
                null,
                shares.join(channel),
                buffers,
                oversized));
    return channel;
  }

  private static void send(EmbeddedChannel channel, String bytes) {
    channel.writeInbound(Unpooled.copiedBuffer(bytes, UTF_8));
  }

  private void complete(String key) {
    lookups.get(key).complete(LookupResult.found("v" + key));
  }

  private static List<String> replies(EmbeddedChannel channel) {
    channel.runPendingTasks();
    List<String> replies = new ArrayList<>();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      if (out.isReadable()) { // not the empty write that closes after the last reply
        replies.add(out.toString(UTF_8));
      }
      out.release();
    }
    return replies;
  }

  private static void setWritable(EmbeddedChannel channel, boolean writable) {
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
    channel.runPendingTasks();
  }

  @Test
  void stopsReadingWhileTheClientDoesNotTakeItsRepliesAndResumesAfter() {
    EmbeddedChannel channel = channel();
    send(channel, "3:m a,");
    assertThat(channel.config().isAutoRead()).isTrue();

    setWritable(channel, false);
    assertThat(channel.config().isAutoRead()).as("paused while not writable").isFalse();
    // A lookup already started still gets its reply queued: nothing is dropped.
    complete("a");
    assertThat(replies(channel)).containsExactly("5:OK va,");
    assertThat(channel.config().isAutoRead()).isFalse();

    setWritable(channel, true);
    assertThat(channel.config().isAutoRead()).as("reading again once writable").isTrue();
    send(channel, "3:m b,");
    complete("b");
    assertThat(replies(channel)).containsExactly("5:OK vb,");
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void requestsReadWhileNotWritableWaitAndHoldTheirMemoryFromTheBudget() {
    EmbeddedChannel channel = channel();
    setWritable(channel, false);
    // One read already on its way brings more requests: they wait, and are paid for.
    send(channel, "3:m a,3:m b,");
    assertThat(lookups).isEmpty();
    assertThat(budget.usedBytes()).isEqualTo(2 * (128 + 2));

    setWritable(channel, true);
    complete("a");
    complete("b");
    assertThat(replies(channel)).containsExactly("5:OK va,", "5:OK vb,");
    assertThat(budget.usedBytes()).isZero();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void aConnectionWhoseWaitingRequestsGoOverTheBudgetIsClosed() {
    BufferBudget small = new BufferBudget(1000);
    EmbeddedChannel channel = channel(small);
    setWritable(channel, false);
    send(channel, "3:m a,".repeat(20));
    assertThat(channel.isOpen()).isFalse();
    assertThat(small.usedBytes()).isZero();
    assertThat(small.evictions()).isEqualTo(1);
  }

  @Test
  void aReplyOverTheLimitIsLoggedWithItsMapAndSizeAndCounted() {
    oversized = new OversizedReplies(100);
    EmbeddedChannel channel = channel();
    try (LogLines log = LogLines.attach(LookupHandler.class, OversizedReplies.class)) {
      send(channel, "3:m a,3:m b,");
      lookups.get("a").complete(LookupResult.found("x".repeat(200)));
      complete("b");
      assertThat(replies(channel)).containsExactly("20:TEMP reply too large,", "5:OK vb,");
      assertThat(oversized.count()).isEqualTo(1);
      assertThat(log.lines())
          .contains(
              "WARN map m: reply of 203 bytes is over max_reply_size (100), answered TEMP reply"
                  + " too large")
          .anyMatch(l -> l.startsWith("DEBUG ") && l.endsWith(" m \"a\" -> TEMP reply too large"))
          .anyMatch(l -> l.startsWith("DEBUG ") && l.endsWith(" m \"b\" -> OK"));
    }
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void halfCloseAnswersEverythingInFlightThenCloses() {
    EmbeddedChannel channel = channel();
    send(channel, "3:m a,3:m b,");
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertThat(channel.isOpen()).as("open while lookups run").isTrue();

    complete("b");
    assertThat(replies(channel)).as("in request order").isEmpty();
    complete("a");
    assertThat(replies(channel)).containsExactly("5:OK va,", "5:OK vb,");
    assertThat(channel.isOpen()).as("closed once all is answered").isFalse();
  }

  /**
   * Replies written in one pass fill the outbound buffer, so the next waiting request is held back;
   * the flush that ends the pass makes the channel writable again, inside that same pass. After a
   * half-close nothing else would start the held request: the pass must look again.
   */
  @Test
  void aRequestHeldBackWhileRepliesFillTheBufferStartsOnceTheFlushDrainsThem() {
    EmbeddedChannel channel = channel();
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 4));
    for (String key : List.of("b", "c", "d", "e")) {
      lookups.put(key, CompletableFuture.completedFuture(LookupResult.found("v" + key)));
    }
    send(channel, "3:m a,3:m b,3:m c,3:m d,3:m e,");
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

    complete("a");
    assertThat(replies(channel))
        .containsExactly("5:OK va,", "5:OK vb,", "5:OK vc,", "5:OK vd,", "5:OK ve,");
    assertThat(channel.isOpen()).as("closed once all is answered").isFalse();
  }

  @Test
  void halfCloseWithNothingInFlightClosesAtOnce() {
    EmbeddedChannel channel = channel();
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void halfCloseInsideAFrameAnswersTheCompleteRequestsButNotThePartOne() {
    EmbeddedChannel channel = channel();
    send(channel, "3:m a,5:m b");
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    complete("a");
    assertThat(replies(channel)).containsExactly("5:OK va,");
    assertThat(channel.isOpen()).isFalse();
    assertThat(lookups).containsOnlyKeys("a");
    assertThat(budget.usedBytes()).isZero();
  }

  @Test
  void connectionsOfAClientOverItsShareWaitAndResumeWhenItsLookupsFinish() {
    EmbeddedChannel first = channel();
    EmbeddedChannel second = channel();
    send(first, "3:m a,3:m b,");
    send(second, "3:m c,3:m d,");
    // The share is 3 lookups for the client (both channels are one local peer).
    assertThat(lookups).containsOnlyKeys("a", "b", "c");

    complete("a");
    assertThat(replies(first)).containsExactly("5:OK va,");
    replies(second); // runs the wake-up
    assertThat(lookups).containsOnlyKeys("a", "b", "c", "d");
    complete("b");
    complete("c");
    complete("d");
    assertThat(replies(first)).containsExactly("5:OK vb,");
    assertThat(replies(second)).containsExactly("5:OK vc,", "5:OK vd,");
    assertThat(first.finish()).isFalse();
    assertThat(second.finish()).isFalse();
  }

  @Test
  void repliesHoldTheirBytesUntilWrittenAndGiveThemBackAfter() {
    EmbeddedChannel channel = channel();
    send(channel, "3:m a,");
    complete("a");
    assertThat(replies(channel)).containsExactly("5:OK va,");
    assertThat(budget.usedBytes()).isZero();
    assertThat(channel.finish()).isFalse();
  }
}
