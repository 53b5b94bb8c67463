package io.sockmapd.codec;

import static io.sockmapd.codec.CodecTestUtil.readExactOutbound;
import static io.sockmapd.codec.CodecTestUtil.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SocketmapResponseEncoderTest {

  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    channel = new EmbeddedChannel(new SocketmapResponseEncoder());
  }

  @AfterEach
  void tearDown() {
    assertFalse(channel.finish());
  }

  private String encode(final SocketmapResponse response) {
    assertThat(channel.writeOutbound(response)).isTrue();
    return readExactOutbound(channel);
  }

  private static String encodeWithLimit(
      final int maxReplyLength, final SocketmapResponse response) {
    final EmbeddedChannel ch = new EmbeddedChannel(new SocketmapResponseEncoder(maxReplyLength));
    ch.writeOutbound(response);
    final String out = readExactOutbound(ch);
    assertFalse(ch.finish());
    return out;
  }

  @Test
  void writesOk() {
    assertThat(encode(SocketmapResponse.ok("value"))).isEqualTo("8:OK value,");
  }

  @Test
  void writesOkWithEmptyValueAsNotFound() {
    // Never "2:OK," (Sendmail crashes) nor "3:OK ," (Postfix defers).
    assertThat(encode(SocketmapResponse.ok(""))).isEqualTo("9:NOTFOUND ,");
  }

  @Test
  void writesNotFoundWithTrailingSpace() {
    assertThat(encode(SocketmapResponse.notFound())).isEqualTo("9:NOTFOUND ,");
  }

  @Test
  void ignoresTextOfNotFound() {
    assertThat(encode(new SocketmapResponse(SocketmapStatus.NOTFOUND, "ignored")))
        .isEqualTo("9:NOTFOUND ,");
  }

  @Test
  void writesTemp() {
    assertThat(encode(SocketmapResponse.temp("db down"))).isEqualTo("12:TEMP db down,");
  }

  @Test
  void writesTimeout() {
    assertThat(encode(SocketmapResponse.timeout("query timed out")))
        .isEqualTo("23:TIMEOUT query timed out,");
  }

  @Test
  void writesPerm() {
    assertThat(encode(SocketmapResponse.perm("unknown map"))).isEqualTo("16:PERM unknown map,");
  }

  @Test
  void writesEmptyReasonWithSpace() {
    assertThat(encode(SocketmapResponse.temp(""))).isEqualTo("5:TEMP ,");
  }

  @Test
  void writesOkValueVerbatim() {
    assertThat(encode(SocketmapResponse.ok("  lead,:x\r\n\0"))).isEqualTo("15:OK   lead,:x\r\n\0,");
  }

  @Test
  void replacesLineBreaksAndNulInReasons() {
    assertThat(encode(SocketmapResponse.perm("bad\r\ncolumn\0x")))
        .isEqualTo("18:PERM bad  column x,");
    assertThat(encode(SocketmapResponse.timeout("a\nb"))).isEqualTo("11:TIMEOUT a b,");
  }

  @Test
  void countsLengthInUtf8Bytes() {
    assertThat(encode(SocketmapResponse.ok("café"))).isEqualTo(wire("8:OK café,"));
    assertThat(encode(SocketmapResponse.ok("\uD83D\uDE00"))).isEqualTo(wire("7:OK \uD83D\uDE00,"));
    assertThat(encode(SocketmapResponse.temp("\u00e9\u00e9")))
        .isEqualTo(wire("9:TEMP \u00e9\u00e9,"));
  }

  @Test
  void writesUnpairedSurrogateAsQuestionMarkWithConsistentLength() {
    assertThat(encode(SocketmapResponse.ok("a\uD800b"))).isEqualTo("6:OK a?b,");
  }

  @Test
  void writesLengthWithoutLeadingZerosAcrossDigitBoundaries() {
    assertThat(encode(SocketmapResponse.ok("x".repeat(6)))).startsWith("9:OK ");
    assertThat(encode(SocketmapResponse.ok("x".repeat(7)))).startsWith("10:OK ");
    assertThat(encode(SocketmapResponse.ok("x".repeat(97)))).startsWith("100:OK ");
  }

  @Test
  void writesReplyExactlyAtLimit() {
    // "OK " + 27 bytes = 30.
    final String value = "v".repeat(27);
    assertThat(encodeWithLimit(30, SocketmapResponse.ok(value))).isEqualTo("30:OK " + value + ",");
  }

  @Test
  void replacesReplyAboveLimit() {
    assertThat(encodeWithLimit(30, SocketmapResponse.ok("v".repeat(28))))
        .isEqualTo("20:TEMP reply too large,");
  }

  @Test
  void appliesLimitToBytesNotChars() {
    // 14 chars, but 28 bytes: 31 bytes of payload.
    assertThat(encodeWithLimit(30, SocketmapResponse.ok("é".repeat(14))))
        .isEqualTo("20:TEMP reply too large,");
    assertThat(encodeWithLimit(30, SocketmapResponse.ok("é".repeat(13) + "x")))
        .isEqualTo(wire("30:OK " + "é".repeat(13) + "x,"));
  }

  @Test
  void appliesLimitToReasons() {
    assertThat(encodeWithLimit(20, SocketmapResponse.perm("x".repeat(16))))
        .isEqualTo("20:TEMP reply too large,");
    assertThat(encodeWithLimit(20, SocketmapResponse.perm("x".repeat(15))))
        .isEqualTo("20:PERM " + "x".repeat(15) + ",");
  }

  @Test
  void defaultLimitIsPostfixReplyLimit() {
    final String atLimit = "v".repeat(SocketmapConstants.DEFAULT_MAX_REPLY_LENGTH - 3);
    assertThat(encode(SocketmapResponse.ok(atLimit))).isEqualTo("100000:OK " + atLimit + ",");
    assertThat(encode(SocketmapResponse.ok(atLimit + "v"))).isEqualTo("20:TEMP reply too large,");
  }

  @Test
  void computesPayloadLengthAsWritten() {
    assertThat(SocketmapResponseEncoder.payloadLength(SocketmapResponse.ok("café"))).isEqualTo(8);
    assertThat(SocketmapResponseEncoder.payloadLength(SocketmapResponse.ok(""))).isEqualTo(9);
    assertThat(SocketmapResponseEncoder.payloadLength(SocketmapResponse.notFound())).isEqualTo(9);
    assertThat(
            SocketmapResponseEncoder.payloadLength(
                new SocketmapResponse(SocketmapStatus.NOTFOUND, "ignored")))
        .isEqualTo(9);
    assertThat(SocketmapResponseEncoder.payloadLength(SocketmapResponse.temp("a\r\nb")))
        .isEqualTo(9);
  }

  @Test
  void reportsItsLimit() {
    assertThat(new SocketmapResponseEncoder().maxReplyLength()).isEqualTo(100_000);
    assertThat(new SocketmapResponseEncoder(20).maxReplyLength()).isEqualTo(20);
  }

  @ParameterizedTest
  @ValueSource(ints = {19, 0, -1})
  void rejectsLimitTooSmallForTheFallbackReply(final int maxReplyLength) {
    assertThatThrownBy(() -> new SocketmapResponseEncoder(maxReplyLength))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "maxReplyLength must be at least 20 (the size of 'TEMP reply too large'), got "
                + maxReplyLength);
  }
}
