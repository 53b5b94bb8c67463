package io.sockmapd.codec;

import static io.sockmapd.codec.CodecTestUtil.assertDecodesAtEverySplit;
import static io.sockmapd.codec.CodecTestUtil.bytes;
import static io.sockmapd.codec.CodecTestUtil.readAllInbound;
import static io.sockmapd.codec.CodecTestUtil.readExactOutbound;
import static io.sockmapd.codec.CodecTestUtil.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The response encoder, the client side, and round trips through both sides. */
class PolicyClientCodecTest {

  private static EmbeddedChannel client() {
    return new EmbeddedChannel(new PolicyResponseDecoder(), new PolicyRequestEncoder());
  }

  private static EmbeddedChannel server() {
    return new EmbeddedChannel(new PolicyRequestDecoder(), new PolicyResponseEncoder());
  }

  private static String encodeResponse(final PolicyAction action) {
    final EmbeddedChannel ch = server();
    assertThat(ch.writeOutbound(action)).isTrue();
    final String out = readExactOutbound(ch);
    assertFalse(ch.finish());
    return out;
  }

  private static PolicyAction decodeResponse(final String wire) {
    final EmbeddedChannel ch = client();
    ch.writeInbound(bytes(wire));
    final List<Object> got = readAllInbound(ch);
    assertFalse(ch.finish());
    assertThat(got).hasSize(1);
    return (PolicyAction) got.get(0);
  }

  @Test
  void writesActionAndEmptyLine() {
    assertThat(encodeResponse(PolicyAction.dunno())).isEqualTo("action=DUNNO\n\n");
    assertThat(encodeResponse(PolicyAction.parse("554 5.7.1 custom code from policy")))
        .isEqualTo("action=554 5.7.1 custom code from policy\n\n");
  }

  @Test
  void writesActionInUtf8() {
    assertThat(encodeResponse(PolicyAction.parse("REJECT café \uD83D\uDE00")))
        .isEqualTo(wire("action=REJECT café \uD83D\uDE00\n\n"));
  }

  @Test
  void writesRequestLikeSmtpd() {
    final Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("request", "smtpd_access_policy");
    attributes.put("sender", "");
    attributes.put("recipient", "café@example.org");
    final EmbeddedChannel ch = client();
    ch.writeOutbound(PolicyRequest.of(attributes));
    assertThat(readExactOutbound(ch))
        .isEqualTo(wire("request=smtpd_access_policy\nsender=\nrecipient=café@example.org\n\n"));
    assertFalse(ch.finish());
  }

  @Test
  void refusesRequestsTheProtocolCannotCarry() {
    assertThatThrownBy(() -> PolicyRequest.of(Map.of("a=b", "c")))
        .hasMessage("bad attribute name: \"a=b\"");
    assertThatThrownBy(() -> PolicyRequest.of(Map.of("", "c")))
        .hasMessage("bad attribute name: \"\"");
    assertThatThrownBy(() -> PolicyRequest.of(Map.of("a", "b\nc")))
        .hasMessage("attribute a contains a newline or NUL, which the protocol cannot carry");
    assertThatThrownBy(() -> PolicyRequest.of(Map.of("a", "b\0")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void takesTheFirstActionAndIgnoresOtherAttributes() {
    // Postfix ignores attributes around the action.
    assertThat(decodeResponse("foo=bar\naction=REJECT no\naction=OK\nbaz=qux\n\n"))
        .isEqualTo(PolicyAction.parse("REJECT no"));
  }

  @Test
  void refusesReplyWithoutAction() {
    final EmbeddedChannel ch = client();
    assertThatThrownBy(() -> ch.writeInbound(bytes("foo=bar\n\n")))
        .isInstanceOf(PolicyFormatException.class)
        .hasMessage("missing attribute action in policy reply");
    assertFalse(ch.finish());
  }

  @Test
  void refusesReplyWithInvalidAction() {
    final EmbeddedChannel ch = client();
    assertThatThrownBy(() -> ch.writeInbound(bytes("action=550\n\n")))
        .isInstanceOf(PolicyFormatException.class)
        .hasMessageStartingWith("invalid policy action \"550\"");
    assertFalse(ch.finish());
  }

  @Test
  void decodesRepliesAtEverySplit() {
    assertDecodesAtEverySplit(
        PolicyClientCodecTest::client,
        "action=DUNNO\n\nx=y\naction=REJECT a b\n\naction=450 4.7.1 later\n\n",
        Object::toString,
        List.of("DUNNO", "REJECT a b", "450 4.7.1 later"));
  }

  @Test
  void roundTripsARealRequestAndItsReply() {
    final EmbeddedChannel client = client();
    final EmbeddedChannel server = server();
    server.writeInbound(bytes(PolicyRequestDecoderTest.POSTFIX_REQUEST));
    final PolicyRequest request = server.readInbound();

    client.writeOutbound(request);
    final ByteBuf resent = client.readOutbound();
    server.writeInbound(resent);
    assertThat(server.<PolicyRequest>readInbound()).isEqualTo(request);

    server.writeOutbound(PolicyAction.parse("DEFER_IF_PERMIT Service temporarily unavailable"));
    client.writeInbound(server.<ByteBuf>readOutbound());
    assertThat(client.<PolicyAction>readInbound())
        .hasToString("DEFER_IF_PERMIT Service temporarily unavailable");
    assertFalse(client.finish());
    assertFalse(server.finish());
  }
}
