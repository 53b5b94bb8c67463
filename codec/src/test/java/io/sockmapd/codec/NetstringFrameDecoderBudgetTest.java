package io.sockmapd.codec;

import static io.sockmapd.codec.CodecTestUtil.readInboundUtf8;
import static io.sockmapd.codec.CodecTestUtil.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The decoder's {@link FrameBudget}: reserved before the payload, given back exactly once. */
class NetstringFrameDecoderBudgetTest {

  private final RecordingBudget budget = new RecordingBudget(100);
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new NetstringFrameDecoder(1000, budget));

  @Test
  void reservesTheDeclaredLengthBeforeThePayloadAndReleasesItWithTheFrame() {
    channel.writeInbound(utf8("10:"));
    assertThat(budget.calls).containsExactly("reserve 10");
    channel.writeInbound(utf8("01234"));
    channel.writeInbound(utf8("56789"));
    assertThat(budget.calls).containsExactly("reserve 10");
    channel.writeInbound(utf8(","));
    assertThat(readInboundUtf8(channel)).containsExactly("0123456789");
    assertThat(budget.calls).containsExactly("reserve 10", "release 10");
    assertThat(channel.finish()).isFalse();
    assertThat(budget.held).isZero();
  }

  @Test
  void byteAtATimeReservesOncePerFrame() {
    final String input = "3:abc,11:hello world,";
    final ByteBuf in = utf8(input);
    for (int i = 0; i < input.length(); i++) {
      channel.writeInbound(in.readRetainedSlice(1));
    }
    in.release();
    assertThat(readInboundUtf8(channel)).containsExactly("abc", "hello world");
    assertThat(budget.calls).containsExactly("reserve 3", "release 3", "reserve 11", "release 11");
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void framesAlreadyCompleteInTheBufferCostNothing() {
    // Their bytes are read already: there is nothing left to commit.
    channel.writeInbound(utf8("3:abc,5:hello,"));
    assertThat(readInboundUtf8(channel)).containsExactly("abc", "hello");
    assertThat(budget.calls).isEmpty();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void refusalFailsTheFrameBeforeItsPayloadIsBuffered() {
    channel.writeInbound(utf8("3:abc,"));
    assertThatThrownBy(() -> channel.writeInbound(utf8("101:xyz")))
        .isInstanceOf(NetstringOverBudgetException.class)
        .hasMessage("no buffer budget left for a 101-byte netstring");
    assertThat(readInboundUtf8(channel)).containsExactly("abc");
    // Whatever follows is discarded, never buffered.
    assertThat(channel.writeInbound(utf8("5:hello,"))).isFalse();
    assertThat(budget.calls).containsExactly("reserve 101");
    assertThat(channel.finish()).isFalse();
    assertThat(budget.held).isZero();
  }

  @Test
  void closeInTheMiddleOfAFrameReleasesItsReservation() {
    channel.writeInbound(utf8("50:abc"));
    assertThat(budget.held).isEqualTo(50);
    assertThatThrownBy(channel::finish).isInstanceOf(NetstringFormatException.class);
    assertThat(budget.calls).containsExactly("reserve 50", "release 50");
  }

  @Test
  void framingErrorReleasesTheReservation() {
    channel.writeInbound(utf8("5:ab"));
    assertThatThrownBy(() -> channel.writeInbound(utf8("cde;")))
        .isInstanceOf(NetstringFormatException.class);
    assertThat(budget.calls).containsExactly("reserve 5", "release 5");
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void removalFromThePipelineReleasesTheReservation() {
    channel.writeInbound(utf8("50:abc"));
    channel.pipeline().removeFirst();
    assertThat(budget.calls).containsExactly("reserve 50", "release 50");
    assertThat(budget.held).isZero();
    // The three payload bytes were handed on raw by the removed decoder.
    channel.<ByteBuf>readInbound().release();
    assertThat(channel.finish()).isFalse();
  }
}
