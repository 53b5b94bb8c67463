package io.sockmapd.codec;

import static io.sockmapd.codec.CodecTestUtil.assertDecodesAtEverySplit;
import static io.sockmapd.codec.CodecTestUtil.assertNoInbound;
import static io.sockmapd.codec.CodecTestUtil.bytes;
import static io.sockmapd.codec.CodecTestUtil.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyRequestDecoderTest {

  /** A request captured from Postfix 3.7.11 smtpd at RCPT TO. */
  static final String POSTFIX_REQUEST =
      "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
          + "client_address=127.0.0.1\nclient_name=localhost\nclient_port=45838\n"
          + "reverse_client_name=localhost\nserver_address=127.0.0.1\nserver_port=10025\n"
          + "helo_name=Client.Example\nsender=Sender+tag@Example.ORG\n"
          + "recipient=User+Ext@Dest.Example\nrecipient_count=0\nqueue_id=\n"
          + "instance=3ae7.6b018f16.93764.0\nsize=1234\netrn_domain=\nstress=\nsasl_method=\n"
          + "sasl_username=\nsasl_sender=\nccert_subject=\nccert_issuer=\nccert_fingerprint=\n"
          + "ccert_pubkey_fingerprint=\nencryption_protocol=\nencryption_cipher=\n"
          + "encryption_keysize=0\npolicy_context=\n\n";

  private EmbeddedChannel channel = new EmbeddedChannel(new PolicyRequestDecoder());

  @AfterEach
  void tearDown() {
    assertFalse(channel.finish());
  }

  private PolicyRequest readRequest() {
    final PolicyRequest request = channel.readInbound();
    assertThat(request).isNotNull();
    return request;
  }

  private PolicyRequest decode(final String wire) {
    channel.writeInbound(utf8(wire));
    final PolicyRequest request = readRequest();
    assertNoInbound(channel);
    return request;
  }

  private static Map<String, String> map(final String... nameValues) {
    final Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      map.put(nameValues[i], nameValues[i + 1]);
    }
    return map;
  }

  private void assertFails(
      final String wire, final Class<? extends Throwable> type, final String message) {
    assertThatThrownBy(() -> channel.writeInbound(bytes(wire)))
        .isInstanceOf(type)
        .hasMessage(message);
    // The connection is done: nothing after it is decoded.
    assertThat(channel.writeInbound(bytes("request=smtpd_access_policy\n\n"))).isFalse();
  }

  @Test
  void decodesARealPostfixRequest() {
    final PolicyRequest request = decode(POSTFIX_REQUEST);
    assertThat(request.attributes()).hasSize(29);
    assertThat(request.attributes().keySet())
        .startsWith("request", "protocol_state", "protocol_name", "client_address");
    assertThat(request.attribute("request")).isEqualTo("smtpd_access_policy");
    assertThat(request.attribute("recipient")).isEqualTo("User+Ext@Dest.Example");
    assertThat(request.attribute("queue_id")).isEmpty();
    assertThat(request.attribute("no_such_attribute")).isNull();
    assertThat(request.isValueValidUtf8("recipient")).isTrue();
  }

  @Test
  void decodesManyRequestsOnOneConnectionAtEverySplit() {
    assertDecodesAtEverySplit(
        () -> new EmbeddedChannel(new PolicyRequestDecoder()),
        "request=smtpd_access_policy\nsender=\nrecipient=a@b\n\n"
            + "recipient=x\nrecipient=y\n\n"
            + "a==b=\n\n"
            + "\n",
        msg -> ((PolicyRequest) msg).attributes(),
        List.of(
            map("request", "smtpd_access_policy", "sender", "", "recipient", "a@b"),
            map("recipient", "x"),
            map("a", "=b="),
            map()));
  }

  @Test
  void keepsTheFirstValueOfADuplicate() {
    // As Postfix's own reader of attribute tables does.
    assertThat(decode("recipient=first\nsender=s\nrecipient=second\n\n").attributes())
        .containsExactly(Map.entry("recipient", "first"), Map.entry("sender", "s"));
  }

  @Test
  void splitsAtTheFirstEqualsSign() {
    assertThat(decode("ccert_subject=CN=a+2Cb\n\n").attribute("ccert_subject"))
        .isEqualTo("CN=a+2Cb");
  }

  @Test
  void keepsValuesAsSent() {
    final PolicyRequest request = decode("helo_name= spaced \r\nsender=caf\u00e9@example.org\n\n");
    assertThat(request.attribute("helo_name")).isEqualTo(" spaced \r");
    assertThat(request.attribute("sender")).isEqualTo("café@example.org");
    assertThat(request.isValueValidUtf8("sender")).isTrue();
  }

  @Test
  void flagsValuesThatAreNotValidUtf8() {
    channel.writeInbound(bytes("sender=caf\u00e9@example.org\nrecipient=r\n\n"));
    final PolicyRequest request = readRequest();
    assertThat(request.attribute("sender")).isEqualTo("caf\uFFFD@example.org");
    assertThat(request.isValueValidUtf8("sender")).isFalse();
    assertThat(request.isValueValidUtf8("recipient")).isTrue();
    assertThat(request.toString()).endsWith("invalid UTF-8 in [sender]");
  }

  @Test
  void refusesLineWithoutEquals() {
    assertFails(
        "request=smtpd_access_policy\nbogus\n\n",
        PolicyFormatException.class,
        "request attribute 2 has no '=' between name and value");
  }

  @Test
  void refusesEmptyName() {
    assertFails("=value\n\n", PolicyFormatException.class, "request attribute 1 has an empty name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u0000b=c\n", "a=b\u0000c\n"})
  void refusesNul(final String wire) {
    assertFails(wire, PolicyFormatException.class, "request attribute 1 contains a NUL byte");
  }

  @Test
  void acceptsLineOfExactlyTheLimitIncludingTheNewline() {
    final String line = "sender=" + "s".repeat(8192 - 8) + "\n";
    assertThat(line).hasSize(8192);
    assertThat(decode(line + "\n").attribute("sender")).hasSize(8184);
  }

  @Test
  void refusesLineOneByteOverTheLimitBeforeItEnds() {
    // No newline yet: the 8192nd byte is enough.
    assertFails(
        "sender=" + "s".repeat(8192 - 7),
        LineTooLongException.class,
        "line longer than 8192 bytes (including the newline)");
  }

  @Test
  void acceptsExactlyTheMostAttributes() {
    channel = new EmbeddedChannel(new PolicyRequestDecoder(100, 3, 1000));
    assertThat(decode("a=1\nb=2\na=3\n\n").attributes()).isEqualTo(map("a", "1", "b", "2"));
  }

  @Test
  void refusesOneAttributeMoreThanTheLimitCountingDuplicatesAtItsFirstByte() {
    channel = new EmbeddedChannel(new PolicyRequestDecoder(100, 3, 1000));
    assertFails(
        "a=1\nb=2\na=3\nc", PolicyTooLargeException.class, "request has more than 3 attributes");
  }

  @Test
  void acceptsRequestOfExactlyTheTotalLimit() {
    // 4 + 4 + 1 = 9 bytes with the empty line.
    channel = new EmbeddedChannel(new PolicyRequestDecoder(100, 100, 9));
    assertThat(decode("a=1\nb=2\n\n").attributes()).isEqualTo(map("a", "1", "b", "2"));
  }

  @Test
  void refusesRequestOneByteOverTheTotalLimit() {
    channel = new EmbeddedChannel(new PolicyRequestDecoder(100, 100, 9));
    // Refused when the line that leaves no room for the empty line ends, not one byte later.
    assertFails(
        "a=1\nb=22\n",
        PolicyTooLargeException.class,
        "request longer than 9 bytes (including the newlines)");
  }

  @Test
  void refusesAnUnfinishedLineThatCannotFitTheTotalLimitBeforeItEnds() {
    channel = new EmbeddedChannel(new PolicyRequestDecoder(100, 100, 9));
    channel.writeInbound(bytes("a=1\n"));
    // 5 bytes are left for the next line and the empty line: "b=2" plus 2 more cannot fit.
    assertThatThrownBy(() -> channel.writeInbound(bytes("b=22x")))
        .isInstanceOf(PolicyTooLargeException.class);
  }

  @Test
  void totalLimitCountsOnlyTheCurrentRequest() {
    channel = new EmbeddedChannel(new PolicyRequestDecoder(100, 100, 9));
    channel.writeInbound(bytes("a=1\nb=2\n\n".repeat(5)));
    for (int i = 0; i < 5; i++) {
      assertThat(readRequest().attributes()).hasSize(2);
    }
  }

  @Test
  void closeInTheMiddleOfARequestIsReported() {
    channel.writeInbound(bytes("request=smtpd_access_policy\nsender=a"));
    assertThatThrownBy(channel::finish)
        .isInstanceOf(PolicyFormatException.class)
        .hasMessage(
            "connection closed in the middle of a policy request: 1 complete attribute(s) and 8"
                + " bytes without a newline, no empty line");
  }

  @Test
  void closeAfterCompleteAttributesWithoutTheEmptyLineIsReported() {
    channel.writeInbound(bytes("request=smtpd_access_policy\n"));
    assertThatThrownBy(channel::finish)
        .isInstanceOf(PolicyFormatException.class)
        .hasMessage(
            "connection closed in the middle of a policy request: 1 complete attribute(s),"
                + " no empty line");
  }

  @Test
  void closeBetweenRequestsIsSilent() {
    channel.writeInbound(bytes("a=b\n\n"));
    assertThat(readRequest().attributes()).isEqualTo(map("a", "b"));
    assertFalse(channel.finish());
  }

  @Test
  void reservesAttributesAndReleasesThemWithTheRequest() {
    final RecordingBudget budget = new RecordingBudget(100);
    channel = new EmbeddedChannel(new PolicyRequestDecoder(100, 100, 1000, budget));
    channel.writeInbound(bytes("a=1\nbb=2"));
    assertThat(budget.calls).containsExactly("reserve 4", "reserve 4");
    channel.writeInbound(bytes("2\n"));
    assertThat(budget.held).isEqualTo(10);
    channel.writeInbound(bytes("\n"));
    assertThat(readRequest().attributes()).isEqualTo(map("a", "1", "bb", "22"));
    assertThat(budget.held).isZero();
    assertThat(budget.calls)
        .containsExactly("reserve 4", "reserve 4", "release 4", "reserve 6", "release 10");
  }

  @Test
  void failureReleasesTheReservations() {
    final RecordingBudget budget = new RecordingBudget(100);
    channel = new EmbeddedChannel(new PolicyRequestDecoder(100, 100, 1000, budget));
    channel.writeInbound(bytes("a=1\nb=2\n"));
    assertThat(budget.held).isEqualTo(8);
    assertThatThrownBy(() -> channel.writeInbound(bytes("bogus\n")))
        .isInstanceOf(PolicyFormatException.class);
    assertThat(budget.held).isZero();
  }

  @Test
  void budgetRefusalFailsTheStream() {
    final RecordingBudget budget = new RecordingBudget(6);
    channel = new EmbeddedChannel(new PolicyRequestDecoder(100, 100, 1000, budget));
    assertThatThrownBy(() -> channel.writeInbound(bytes("a=1\nb=2\n")))
        .isInstanceOf(LineOverBudgetException.class)
        .hasMessage("no buffer budget left for 4 more bytes of a policy request");
    assertThat(budget.held).isZero();
  }

  @Test
  void removalFromThePipelineReleasesTheReservations() {
    final RecordingBudget budget = new RecordingBudget(100);
    channel = new EmbeddedChannel(new PolicyRequestDecoder(100, 100, 1000, budget));
    channel.writeInbound(bytes("a=1\nb="));
    channel.pipeline().removeFirst();
    assertThat(budget.held).isZero();
    channel.<ByteBuf>readInbound().release();
  }

  @Test
  void rejectsLimitsTooSmall() {
    assertThatThrownBy(() -> new PolicyRequestDecoder(100, 0, 1000))
        .hasMessage("maxAttributes must be positive, got 0");
    assertThatThrownBy(() -> new PolicyRequestDecoder(100, 1, 1))
        .hasMessage("maxListLength must be at least 2, got 1");
    assertThatThrownBy(() -> new PolicyRequestDecoder(1, 1, 100))
        .hasMessage("maxLineLength must be at least 2, got 1");
  }
}
