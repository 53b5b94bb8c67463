package io.sockmapd.codec;

import static io.sockmapd.codec.CodecTestUtil.assertDecodesAtEverySplit;
import static io.sockmapd.codec.CodecTestUtil.bytes;
import static io.sockmapd.codec.CodecTestUtil.readAllInbound;
import static io.sockmapd.codec.CodecTestUtil.readExactOutbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client side (request encoder, response decoder) and round trips through both sides. */
class TcpTableClientCodecTest {

  private static EmbeddedChannel client() {
    return new EmbeddedChannel(new TcpTableResponseDecoder(), new TcpTableRequestEncoder());
  }

  private static EmbeddedChannel server() {
    return new EmbeddedChannel(new TcpTableRequestDecoder(), new TcpTableResponseEncoder());
  }

  private static String encodeRequest(final String key) {
    final EmbeddedChannel ch = client();
    assertThat(ch.writeOutbound(TcpTableRequest.of(key))).isTrue();
    final String out = readExactOutbound(ch);
    assertFalse(ch.finish());
    return out;
  }

  private static TcpTableResponse decodeResponse(final String wire) {
    final EmbeddedChannel ch = client();
    assertThat(ch.writeInbound(bytes(wire))).isTrue();
    final List<Object> responses = readAllInbound(ch);
    assertFalse(ch.finish());
    assertThat(responses).hasSize(1);
    return (TcpTableResponse) responses.get(0);
  }

  private static String view(final Object msg) {
    final TcpTableResponse response = (TcpTableResponse) msg;
    return response.status().code() + " " + response.text();
  }

  @Test
  void encodesRequestLikePostfix() {
    assertThat(encodeRequest("a b%c\tcafé+x@Example.com"))
        .isEqualTo("get a%20b%25c%09caf%C3%A9+x@Example.com\n");
    assertThat(encodeRequest("")).isEqualTo("get \n");
  }

  @Test
  void refusesToEncodeMalformedRequest() {
    final EmbeddedChannel ch = client();
    assertThatThrownBy(
            () -> ch.writeOutbound(TcpTableRequest.malformed(new IllegalStateException("x"))))
        .isInstanceOf(EncoderException.class);
    assertFalse(ch.finish());
  }

  @Test
  void decodesRepliesByTheirFirstDigit() {
    assertThat(decodeResponse("200 value\n")).isEqualTo(TcpTableResponse.found("value"));
    assertThat(decodeResponse("250 v\n")).isEqualTo(TcpTableResponse.found("v"));
    assertThat(decodeResponse("500 whatever\n").status()).isEqualTo(TcpTableStatus.NOT_FOUND);
    assertThat(decodeResponse("400 db%20down\n")).isEqualTo(TcpTableResponse.tempError("db down"));
    assertThat(decodeResponse("200\tx\n")).isEqualTo(TcpTableResponse.found("x"));
  }

  @Test
  void decodesLikePostfixLowerCaseSpacesAndCarriageReturn() {
    assertThat(decodeResponse("200 caf%c3%a9\n").text()).isEqualTo("café");
    assertThat(decodeResponse("200 a b\n").text()).isEqualTo("a b");
    assertThat(decodeResponse("200 value\r\n").text()).isEqualTo("value\r");
    assertThat(decodeResponse("200 \n")).isEqualTo(TcpTableResponse.found(""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"200\n", "20 x\n", "2000 x\n", "abc x\n", "200 %zz\n", "\n", "OK x\n"})
  void refusesMalformedReplies(final String wire) {
    final EmbeddedChannel ch = client();
    assertThatThrownBy(() -> ch.writeInbound(bytes(wire)))
        .isInstanceOf(TcpTableFormatException.class)
        .hasMessageStartingWith("malformed reply: ");
    // Postfix disconnects: nothing after it is decoded.
    assertThat(ch.writeInbound(bytes("200 ok\n"))).isFalse();
    assertFalse(ch.finish());
  }

  @Test
  void refusesBadStatusCode() {
    final EmbeddedChannel ch = client();
    assertThatThrownBy(() -> ch.writeInbound(bytes("300 hmm\n")))
        .isInstanceOf(TcpTableFormatException.class)
        .hasMessage("bad status code: 300%20hmm");
    assertFalse(ch.finish());
  }

  @Test
  void acceptsReplyOfExactly4096BytesAndRefuses4097() {
    final String atLimit = "200 " + "v".repeat(4091) + "\n";
    assertThat(decodeResponse(atLimit).text()).hasSize(4091);
    final EmbeddedChannel ch = client();
    assertThatThrownBy(() -> ch.writeInbound(bytes("200 " + "v".repeat(4092) + "\n")))
        .isInstanceOf(LineTooLongException.class)
        .hasMessage("line longer than 4096 bytes (including the newline)");
    assertFalse(ch.finish());
  }

  @Test
  void decodesRepliesAtEverySplit() {
    assertDecodesAtEverySplit(
        TcpTableClientCodecTest::client,
        "200 a%20b\n500 not%20found\n200 caf%c3%a9\n400 x\n",
        TcpTableClientCodecTest::view,
        List.of("200 a b", "500 not found", "200 café", "400 x"));
  }

  @Test
  void closeInTheMiddleOfAReplyIsReported() {
    final EmbeddedChannel ch = client();
    ch.writeInbound(bytes("200 partial"));
    assertThatThrownBy(ch::finish)
        .isInstanceOf(TcpTableFormatException.class)
        .hasMessage("connection closed in the middle of a reply: 11 bytes without a newline");
  }

  @Test
  void roundTripsEveryByteOfAKeyAndValue() {
    final StringBuilder sb = new StringBuilder();
    for (int c = 1; c < 0x100; c++) {
      sb.append((char) c);
    }
    sb.append("\uD83D\uDE00 ü");
    final String text = sb.toString();
    final EmbeddedChannel client = client();
    final EmbeddedChannel server = server();

    client.writeOutbound(TcpTableRequest.of(text));
    server.writeInbound(client.<ByteBuf>readOutbound());
    final TcpTableRequest request = server.readInbound();
    assertThat(request).isEqualTo(TcpTableRequest.of(text));

    server.writeOutbound(TcpTableResponse.found(request.key()));
    client.writeInbound(server.<ByteBuf>readOutbound());
    assertThat(client.<TcpTableResponse>readInbound()).isEqualTo(TcpTableResponse.found(text));
    assertFalse(client.finish());
    assertFalse(server.finish());
  }
}
