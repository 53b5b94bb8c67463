package io.sockmapd.codec;

import static io.sockmapd.codec.CodecTestUtil.assertNoInbound;
import static io.sockmapd.codec.CodecTestUtil.readExactOutbound;
import static io.sockmapd.codec.CodecTestUtil.utf8;
import static io.sockmapd.codec.CodecTestUtil.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client side (request encoder, response decoder) and a round trip through both sides. */
class SocketmapClientCodecTest {

  private static EmbeddedChannel client() {
    return new EmbeddedChannel(
        new NetstringFrameDecoder(SocketmapConstants.DEFAULT_MAX_REPLY_LENGTH),
        new SocketmapResponseDecoder(),
        new SocketmapRequestEncoder());
  }

  private static EmbeddedChannel server() {
    return new EmbeddedChannel(
        new NetstringFrameDecoder(SocketmapConstants.DEFAULT_MAX_REQUEST_LENGTH),
        new SocketmapRequestDecoder(),
        new SocketmapResponseEncoder());
  }

  private static String encodeRequest(final SocketmapRequest request) {
    final EmbeddedChannel ch = client();
    assertThat(ch.writeOutbound(request)).isTrue();
    final String out = readExactOutbound(ch);
    assertFalse(ch.finish());
    return out;
  }

  private static SocketmapResponse decodeResponse(final String wire) {
    final EmbeddedChannel ch = client();
    assertThat(ch.writeInbound(utf8(wire))).isTrue();
    final SocketmapResponse response = ch.readInbound();
    assertNoInbound(ch);
    assertFalse(ch.finish());
    return response;
  }

  @Test
  void encodesRequest() {
    assertThat(encodeRequest(SocketmapRequest.of("virtual", "user@example.org")))
        .isEqualTo("24:virtual user@example.org,");
  }

  @Test
  void encodesRequestLengthInUtf8Bytes() {
    assertThat(encodeRequest(SocketmapRequest.of("mymap", "café@example.com")))
        .isEqualTo(wire("23:mymap café@example.com,"));
    assertThat(encodeRequest(SocketmapRequest.of("mymap", "\uD83D\uDE00")))
        .isEqualTo(wire("10:mymap \uD83D\uDE00,"));
  }

  @Test
  void encodesEmptyKeyLikePostmap() {
    assertThat(encodeRequest(SocketmapRequest.of("mymap", ""))).isEqualTo("6:mymap ,");
  }

  @Test
  void encodesKeyWithSpacesAndCommas() {
    assertThat(encodeRequest(SocketmapRequest.of("mymap", "with space, comma")))
        .isEqualTo("23:mymap with space, comma,");
  }

  @Test
  void refusesToEncodeMalformedRequest() {
    final EmbeddedChannel ch = client();
    assertThatThrownBy(
            () -> ch.writeOutbound(SocketmapRequest.malformed(new DecoderException("broken"))))
        .isInstanceOf(EncoderException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot encode a malformed request");
    assertFalse(ch.finish());
  }

  @Test
  void decodesOk() {
    assertThat(decodeResponse("8:OK value,")).isEqualTo(SocketmapResponse.ok("value"));
  }

  @Test
  void decodesOkValueVerbatim() {
    // The clients take everything after the first space, leading spaces included.
    assertThat(decodeResponse("9:OK   lead,")).isEqualTo(SocketmapResponse.ok("  lead"));
    assertThat(decodeResponse("10:OK value\r\n,")).isEqualTo(SocketmapResponse.ok("value\r\n"));
  }

  @Test
  void decodesOkWithEmptyValue() {
    assertThat(decodeResponse("3:OK ,")).isEqualTo(SocketmapResponse.ok(""));
  }

  @Test
  void decodesUtf8Value() {
    assertThat(decodeResponse("8:OK café,")).isEqualTo(SocketmapResponse.ok("café"));
  }

  @Test
  void decodesNotFoundWithAndWithoutSpace() {
    assertThat(decodeResponse("9:NOTFOUND ,")).isEqualTo(SocketmapResponse.notFound());
    assertThat(decodeResponse("8:NOTFOUND,")).isEqualTo(SocketmapResponse.notFound());
  }

  @Test
  void decodesFailures() {
    assertThat(decodeResponse("12:TEMP db down,")).isEqualTo(SocketmapResponse.temp("db down"));
    assertThat(decodeResponse("9:TIMEOUT x,")).isEqualTo(SocketmapResponse.timeout("x"));
    assertThat(decodeResponse("6:PERM x,")).isEqualTo(SocketmapResponse.perm("x"));
    assertThat(decodeResponse("4:TEMP,")).isEqualTo(SocketmapResponse.temp(""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"7:MAYBE x,", "4:ok x,", "0:,", "6:NOT OK,", "1: ,"})
  void rejectsUnknownStatusWord(final String wire) {
    final EmbeddedChannel ch = client();
    assertThatThrownBy(() -> ch.writeInbound(utf8(wire)))
        .isInstanceOf(CorruptedFrameException.class)
        .hasMessageStartingWith("unknown socketmap status word: ");
    assertFalse(ch.finish());
  }

  @Test
  void abbreviatesLongUnknownStatusWord() {
    final EmbeddedChannel ch = client();
    assertThatThrownBy(() -> ch.writeInbound(utf8("40:" + "X".repeat(40) + ",")))
        .hasMessage("unknown socketmap status word: \"" + "X".repeat(32) + "...\"");
    assertFalse(ch.finish());
  }

  @Test
  void rejectsBareOk() {
    final EmbeddedChannel ch = client();
    assertThatThrownBy(() -> ch.writeInbound(utf8("2:OK,")))
        .isInstanceOf(CorruptedFrameException.class)
        .hasMessage("bare OK without a space in socketmap reply");
    assertFalse(ch.finish());
  }

  @Test
  void keepsDecodingAfterUnknownStatusWord() {
    final EmbeddedChannel ch = client();
    assertThatThrownBy(() -> ch.writeInbound(utf8("7:MAYBE x,")))
        .isInstanceOf(DecoderException.class);
    ch.writeInbound(utf8("4:OK x,"));
    assertThat((SocketmapResponse) ch.readInbound()).isEqualTo(SocketmapResponse.ok("x"));
    assertFalse(ch.finish());
  }

  @Test
  void roundTripsThroughBothSides() {
    final EmbeddedChannel client = client();
    final EmbeddedChannel server = server();
    final List<String> keys =
        List.of(
            "user@example.org", "", "with space, comma: \"quote\"", "café", "\uD83D\uDE00", "<>");
    for (final String key : keys) {
      client.writeOutbound(SocketmapRequest.of("mymap", key));
      final ByteBuf requestBytes = client.readOutbound();
      server.writeInbound(requestBytes);
      final SocketmapRequest request = server.readInbound();
      assertThat(request).isEqualTo(SocketmapRequest.of("mymap", key));

      server.writeOutbound(SocketmapResponse.ok(request.key()));
      final ByteBuf responseBytes = server.readOutbound();
      client.writeInbound(responseBytes);
      final SocketmapResponse response = client.readInbound();
      // An empty value must come back as "not found", never as an empty OK.
      assertThat(response)
          .isEqualTo(key.isEmpty() ? SocketmapResponse.notFound() : SocketmapResponse.ok(key));
    }
    assertFalse(client.finish());
    assertFalse(server.finish());
  }

  @Test
  void roundTripsPipelinedRequestsSplitAcrossWrites() {
    final EmbeddedChannel client = client();
    final EmbeddedChannel server = server();
    client.writeOutbound(SocketmapRequest.of("a", "1"), SocketmapRequest.of("b", "2 3"));
    // Deliver the client's bytes to the server one byte at a time.
    for (ByteBuf buf = client.readOutbound(); buf != null; buf = client.readOutbound()) {
      CodecTestUtil.writeByteByByte(server, buf);
    }
    assertThat((SocketmapRequest) server.readInbound()).isEqualTo(SocketmapRequest.of("a", "1"));
    assertThat((SocketmapRequest) server.readInbound()).isEqualTo(SocketmapRequest.of("b", "2 3"));
    assertFalse(client.finish());
    assertFalse(server.finish());
  }
}
