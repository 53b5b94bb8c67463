package io.sockmapd.codec;

import static io.sockmapd.codec.CodecTestUtil.assertNoInbound;
import static io.sockmapd.codec.CodecTestUtil.bytes;
import static io.sockmapd.codec.CodecTestUtil.readInboundUtf8;
import static io.sockmapd.codec.CodecTestUtil.releaseAsBytes;
import static io.sockmapd.codec.CodecTestUtil.utf8;
import static io.sockmapd.codec.CodecTestUtil.writeByteByByte;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetstringFrameDecoderTest {

  private static final int MAX = 16;

  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    channel = new EmbeddedChannel(new NetstringFrameDecoder(MAX));
  }

  @AfterEach
  void tearDown() {
    assertFalse(channel.finish());
  }

  @Test
  void decodesOneNetstring() {
    assertThat(channel.writeInbound(utf8("5:hello,"))).isTrue();
    assertThat(readInboundUtf8(channel)).containsExactly("hello");
  }

  @Test
  void decodesEmptyPayload() {
    assertThat(channel.writeInbound(utf8("0:,"))).isTrue();
    final ByteBuf frame = channel.readInbound();
    assertThat(frame.readableBytes()).isZero();
    frame.release();
  }

  @Test
  void decodesSeveralNetstringsInOneBuffer() {
    channel.writeInbound(utf8("3:abc,0:,7:a b,c:d,9:mymap key,"));
    assertThat(readInboundUtf8(channel)).containsExactly("abc", "", "a b,c:d", "mymap key");
  }

  @Test
  void decodesByteAtATime() {
    final String input = "3:abc,11:hello world,0:,";
    final List<String> frames = new ArrayList<>();
    final ByteBuf in = utf8(input);
    for (int i = 0; i < input.length(); i++) {
      channel.writeInbound(in.readRetainedSlice(1));
      final List<String> got = readInboundUtf8(channel);
      // A frame comes out exactly when its comma arrives, not before.
      if (i == 5 || i == 20 || i == 23) {
        assertThat(got).as("after byte %d", i).hasSize(1);
      } else {
        assertThat(got).as("after byte %d", i).isEmpty();
      }
      frames.addAll(got);
    }
    in.release();
    assertThat(frames).containsExactly("abc", "hello world", "");
  }

  @Test
  void decodesWhenSplitAtEveryPosition() {
    final String input = "3:abc,0:,13:map key,with:,";
    for (int split = 0; split <= input.length(); split++) {
      final EmbeddedChannel ch = new EmbeddedChannel(new NetstringFrameDecoder(MAX));
      ch.writeInbound(utf8(input.substring(0, split)));
      ch.writeInbound(utf8(input.substring(split)));
      assertThat(readInboundUtf8(ch))
          .as("split at %d", split)
          .containsExactly("abc", "", "map key,with:");
      assertFalse(ch.finish());
    }
  }

  @Test
  void keepsBinaryPayloadVerbatim() {
    channel.writeInbound(bytes("6:\0\u00ff:,\r\n,"));
    final ByteBuf frame = channel.readInbound();
    assertThat(releaseAsBytes(frame)).isEqualTo("\0\u00ff:,\r\n");
  }

  @Test
  void countsLengthInBytes() {
    // "café" is 5 bytes, the emoji 4 bytes (2 chars).
    channel.writeInbound(utf8("5:café,4:\uD83D\uDE00,"));
    assertThat(readInboundUtf8(channel)).containsExactly("café", "\uD83D\uDE00");
  }

  @Test
  void rejectsLengthCountedInChars() {
    // 4 chars but 5 bytes: the comma is expected on the last byte of "é".
    assertThatThrownBy(() -> channel.writeInbound(utf8("4:café,")))
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage("expected ',' after a 4-byte netstring payload, got 0xa9");
  }

  @Test
  void acceptsLengthAtLimit() {
    channel.writeInbound(utf8("16:0123456789abcdef,"));
    assertThat(readInboundUtf8(channel)).containsExactly("0123456789abcdef");
  }

  @Test
  void rejectsLengthAboveLimitBeforePayload() {
    assertThat(channel.writeInbound(utf8("1"))).isFalse();
    assertThatThrownBy(() -> channel.writeInbound(utf8("7:")))
        .isInstanceOf(NetstringTooLongException.class)
        .hasMessage("netstring length 17 (or more) exceeds the limit of 16 bytes");
    // The payload that follows is discarded, not buffered or emitted.
    assertThat(channel.writeInbound(utf8("01234567890123456,5:hello,"))).isFalse();
  }

  @Test
  void rejectsLengthAboveLimitBeforeColon() {
    // The digits alone already exceed the limit; no ':' needed.
    assertThatThrownBy(() -> channel.writeInbound(utf8("99")))
        .isInstanceOf(NetstringTooLongException.class);
  }

  @Test
  void rejectsTooManyDigits() {
    assertThatThrownBy(() -> channel.writeInbound(utf8("12345678901234567890:")))
        .isInstanceOf(NetstringTooLongException.class)
        .hasMessage("netstring length 123 (or more) exceeds the limit of 16 bytes");
  }

  @Test
  void lengthCannotOverflowWithLargestLimit() {
    final EmbeddedChannel ch = new EmbeddedChannel(new NetstringFrameDecoder(Integer.MAX_VALUE));
    // Exactly Integer.MAX_VALUE is a valid declaration (we never send the payload)...
    assertThat(ch.writeInbound(utf8("2147483647:"))).isFalse();
    assertThatThrownBy(ch::finish)
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage(
            "connection closed in the middle of a netstring: got 0 of 2147483647 payload bytes");

    // ...one more is not, and does not wrap around to a negative length.
    final EmbeddedChannel ch2 = new EmbeddedChannel(new NetstringFrameDecoder(Integer.MAX_VALUE));
    assertThatThrownBy(() -> ch2.writeInbound(utf8("2147483648:")))
        .isInstanceOf(NetstringTooLongException.class)
        .hasMessage("netstring length 2147483648 (or more) exceeds the limit of 2147483647 bytes");
    assertFalse(ch2.finish());
  }

  @Test
  void acceptsDefaultRequestLimitForPostfix37LongKeys() {
    final EmbeddedChannel ch =
        new EmbeddedChannel(
            new NetstringFrameDecoder(SocketmapConstants.DEFAULT_MAX_REQUEST_LENGTH));
    final String payload = "mymap " + "k".repeat(20_000);
    ch.writeInbound(utf8(payload.length() + ":" + payload + ","));
    assertThat(readInboundUtf8(ch)).containsExactly(payload);
    assertFalse(ch.finish());
  }

  @Test
  void rejectsLeadingZero() {
    assertThatThrownBy(() -> channel.writeInbound(utf8("01:a,")))
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage("netstring length has a leading zero");
  }

  @Test
  void rejectsDoubleZero() {
    assertThatThrownBy(() -> channel.writeInbound(utf8("00:,")))
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage("netstring length has a leading zero");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"+1:a,", "-1:a,", " 1:a,", "1 :a,", "\t1:a,", "1\r\n:a,", "a:b,", "1a:b,"})
  void rejectsNonDigitInLength(final String input) {
    assertThatThrownBy(() -> channel.writeInbound(utf8(input)))
        .isInstanceOf(NetstringFormatException.class)
        .hasMessageStartingWith("unexpected byte ")
        .hasMessageEndingWith(" in netstring length, expected a digit or ':'");
    assertNoInbound(channel);
  }

  @Test
  void namesTheOffendingByte() {
    assertThatThrownBy(() -> channel.writeInbound(utf8("-1:a,")))
        .hasMessage("unexpected byte '-' (0x2d) in netstring length, expected a digit or ':'");
  }

  @Test
  void rejectsEmptyLength() {
    assertThatThrownBy(() -> channel.writeInbound(utf8(":,")))
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage("netstring length is empty");
  }

  @Test
  void rejectsMissingColon() {
    assertThatThrownBy(() -> channel.writeInbound(utf8("1,a,")))
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage("unexpected byte ',' (0x2c) in netstring length, expected a digit or ':'");
  }

  @Test
  void rejectsWrongTerminator() {
    assertThatThrownBy(() -> channel.writeInbound(utf8("1:ab,")))
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage("expected ',' after a 1-byte netstring payload, got 'b' (0x62)");
  }

  @Test
  void rejectsNewlineInsteadOfComma() {
    assertThatThrownBy(() -> channel.writeInbound(utf8("1:a\n")))
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage("expected ',' after a 1-byte netstring payload, got 0x0a");
  }

  @Test
  void emitsFramesBeforeTheErrorAndNothingAfter() {
    assertThatThrownBy(() -> channel.writeInbound(utf8("1:a,1:b;1:c,")))
        .isInstanceOf(NetstringFormatException.class);
    assertThat(readInboundUtf8(channel)).containsExactly("a");
  }

  @Test
  void discardsAllInputAfterAnError() {
    assertThatThrownBy(() -> channel.writeInbound(utf8("x")))
        .isInstanceOf(NetstringFormatException.class);
    // Later valid frames are neither emitted nor reported: framing cannot be resynchronised.
    assertThat(channel.writeInbound(utf8("5:hello,"))).isFalse();
    assertThat(channel.writeInbound(utf8("0:,"))).isFalse();
    assertNoInbound(channel);
  }

  @Test
  void discardsByteByByteAfterAnError() {
    assertThatThrownBy(() -> channel.writeInbound(utf8("1:a;")))
        .isInstanceOf(NetstringFormatException.class);
    writeByteByByte(channel, utf8("1:b,2:cd,"));
    assertNoInbound(channel);
  }

  @Test
  void cleanCloseWithNothingBufferedIsSilent() {
    channel.writeInbound(utf8("1:a,"));
    assertThat(readInboundUtf8(channel)).containsExactly("a");
    assertFalse(channel.finish());
  }

  @Test
  void closeWithoutAnyInputIsSilent() {
    assertFalse(channel.finish());
  }

  @Test
  void closeInTheLengthIsReported() {
    channel.writeInbound(utf8("1:a,12"));
    assertThat(readInboundUtf8(channel)).containsExactly("a");
    assertThatThrownBy(channel::finish)
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage("connection closed in the middle of a netstring: after 2 length digit(s)");
  }

  @Test
  void closeAfterTheColonIsReported() {
    channel.writeInbound(utf8("5:"));
    assertThatThrownBy(channel::finish)
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage("connection closed in the middle of a netstring: got 0 of 5 payload bytes");
  }

  @Test
  void closeInThePayloadIsReported() {
    channel.writeInbound(utf8("5:ab"));
    assertThatThrownBy(channel::finish)
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage("connection closed in the middle of a netstring: got 2 of 5 payload bytes");
  }

  @Test
  void closeBeforeTheCommaIsReported() {
    channel.writeInbound(utf8("2:ab"));
    assertThatThrownBy(channel::finish)
        .isInstanceOf(NetstringFormatException.class)
        .hasMessage(
            "connection closed in the middle of a netstring: missing ',' after a 2-byte payload");
  }

  @Test
  void closeMidFrameIsReportedOnlyOnce() {
    channel.writeInbound(utf8("5:ab"));
    // Half-closure first, then the real close: decodeLast runs twice.
    channel
        .pipeline()
        .fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
    assertThatThrownBy(channel::checkException).isInstanceOf(NetstringFormatException.class);
    assertFalse(channel.finish());
  }

  @Test
  void closeAfterAnErrorIsNotReportedAgain() {
    assertThatThrownBy(() -> channel.writeInbound(utf8("2:ab;")))
        .isInstanceOf(NetstringFormatException.class);
    channel.writeInbound(utf8("3:x"));
    assertFalse(channel.finish());
  }

  @Test
  void completeFrameBufferedAtCloseIsStillEmitted() {
    final EmbeddedChannel ch = new EmbeddedChannel(new NetstringFrameDecoder(MAX));
    ch.writeInbound(utf8("3:abc,"));
    assertThat(ch.finish()).isTrue();
    assertThat(readInboundUtf8(ch)).containsExactly("abc");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void rejectsNonPositiveLimit(final int maxLength) {
    assertThatThrownBy(() -> new NetstringFrameDecoder(maxLength))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLength must be positive, got " + maxLength);
  }

  @Test
  void reportsItsLimit() {
    assertThat(new NetstringFrameDecoder(42).maxLength()).isEqualTo(42);
  }
}
