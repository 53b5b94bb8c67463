package io.sockmapd.codec;

import static io.sockmapd.codec.CodecTestUtil.readExactOutbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpTableResponseEncoderTest {

  private final EmbeddedChannel channel = new EmbeddedChannel(new TcpTableResponseEncoder());

  @AfterEach
  void tearDown() {
    assertFalse(channel.finish());
  }

  private String encode(final TcpTableResponse response) {
    assertThat(channel.writeOutbound(response)).isTrue();
    return readExactOutbound(channel);
  }

  private static String encodeWithLimit(final int limit, final TcpTableResponse response) {
    final EmbeddedChannel ch = new EmbeddedChannel(new TcpTableResponseEncoder(limit));
    ch.writeOutbound(response);
    final String out = readExactOutbound(ch);
    assertFalse(ch.finish());
    return out;
  }

  @Test
  void writesFoundValue() {
    assertThat(encode(TcpTableResponse.found("smtp:[relay.example]")))
        .isEqualTo("200 smtp:[relay.example]\n");
  }

  @Test
  void quotesValueLikeHexQuote() {
    assertThat(encode(TcpTableResponse.found("a b%c\td\r\né+x")))
        .isEqualTo("200 a%20b%25c%09d%0D%0A%C3%A9+x\n");
  }

  @Test
  void writesNotFound() {
    assertThat(encode(TcpTableResponse.notFound())).isEqualTo("500 not%20found\n");
  }

  @Test
  void writesEmptyValueAsNotFound() {
    // "200 \n" is an empty result, which Postfix daemons treat as a configuration error.
    assertThat(encode(TcpTableResponse.found(""))).isEqualTo("500 not%20found\n");
  }

  @Test
  void writesTempErrorWithQuotedReason() {
    assertThat(encode(TcpTableResponse.tempError("db down\n"))).isEqualTo("400 db%20down%0A\n");
    assertThat(encode(TcpTableResponse.tempError(""))).isEqualTo("400 \n");
  }

  @Test
  void mapsEverySocketmapOutcome() {
    assertThat(TcpTableResponse.of(SocketmapResponse.ok("v")))
        .isEqualTo(TcpTableResponse.found("v"));
    assertThat(TcpTableResponse.of(SocketmapResponse.notFound()))
        .isEqualTo(TcpTableResponse.notFound());
    // tcp_table has no permanent error: every failure is 400.
    assertThat(TcpTableResponse.of(SocketmapResponse.temp("t")))
        .isEqualTo(TcpTableResponse.tempError("t"));
    assertThat(TcpTableResponse.of(SocketmapResponse.timeout("slow")))
        .isEqualTo(TcpTableResponse.tempError("slow"));
    assertThat(TcpTableResponse.of(SocketmapResponse.perm("unknown map")))
        .isEqualTo(TcpTableResponse.tempError("unknown map"));
  }

  @Test
  void writesReplyOfExactlyPostfixLimitIncludingTheNewline() {
    final String value = "v".repeat(4091);
    final String line = encode(TcpTableResponse.found(value));
    assertThat(line).hasSize(4096).isEqualTo("200 " + value + "\n");
  }

  @Test
  void replacesReplyOneByteOverPostfixLimit() {
    assertThat(encode(TcpTableResponse.found("v".repeat(4092))))
        .isEqualTo("400 reply%20too%20large\n");
  }

  @Test
  void countsQuotedBytesAgainstTheLimit() {
    // 1364 spaces quote to 4092 bytes: one over.
    assertThat(encode(TcpTableResponse.found(" ".repeat(1364))))
        .isEqualTo("400 reply%20too%20large\n");
    assertThat(encode(TcpTableResponse.found("é".repeat(681) + "xxxxx")))
        .hasSize(4096)
        .startsWith("200 %C3%A9");
    assertThat(encode(TcpTableResponse.found("é".repeat(682))))
        .isEqualTo("400 reply%20too%20large\n");
  }

  @Test
  void appliesLimitToEveryStatus() {
    assertThat(encodeWithLimit(24, TcpTableResponse.tempError("x".repeat(20))))
        .isEqualTo("400 reply%20too%20large\n");
    assertThat(encodeWithLimit(24, TcpTableResponse.tempError("x".repeat(19))))
        .isEqualTo("400 " + "x".repeat(19) + "\n");
  }

  @Test
  void computesLineLengthAsWritten() {
    assertThat(TcpTableResponseEncoder.lineLength(TcpTableResponse.found("a b"))).isEqualTo(10);
    assertThat(TcpTableResponseEncoder.lineLength(TcpTableResponse.found(""))).isEqualTo(16);
    assertThat(TcpTableResponseEncoder.lineLength(TcpTableResponse.found("v".repeat(5000))))
        .isEqualTo(5005);
  }

  @Test
  void reportsItsLimit() {
    assertThat(new TcpTableResponseEncoder().maxReplyLength()).isEqualTo(4096);
    assertThat(new TcpTableResponseEncoder(24).maxReplyLength()).isEqualTo(24);
  }

  @ParameterizedTest
  @ValueSource(ints = {23, 0, -1})
  void rejectsLimitTooSmallForTheFallbackReply(final int limit) {
    assertThatThrownBy(() -> new TcpTableResponseEncoder(limit))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "maxReplyLength must be at least 24 (the size of '400 reply%20too%20large'), got "
                + limit);
  }

  @Test
  void rejectsNullParts() {
    assertThatThrownBy(() -> new TcpTableResponse(null, "x"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> TcpTableResponse.found(null)).isInstanceOf(NullPointerException.class);
  }
}
