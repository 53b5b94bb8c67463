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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpTableRequestDecoderTest {

  private EmbeddedChannel channel = new EmbeddedChannel(new TcpTableRequestDecoder());

  @AfterEach
  void tearDown() {
    assertFalse(channel.finish());
  }

  private TcpTableRequest readRequest() {
    final TcpTableRequest request = channel.readInbound();
    assertThat(request).isNotNull();
    return request;
  }

  private TcpTableRequest decode(final String wire) {
    channel.writeInbound(bytes(wire));
    final TcpTableRequest request = readRequest();
    assertNoInbound(channel);
    return request;
  }

  /** What a test compares: the key, or the failure message of a malformed request. */
  private static String view(final Object msg) {
    final TcpTableRequest request = (TcpTableRequest) msg;
    if (request.decoderResult().isFailure()) {
      return "malformed: " + request.decoderResult().cause().getMessage();
    }
    return request.keyValidUtf8() ? request.key() : "invalid UTF-8: " + request.key();
  }

  private String failure(final String wire) {
    final TcpTableRequest request = decode(wire);
    assertThat(request.decoderResult().isFailure()).isTrue();
    assertThat(request.key()).isEmpty();
    return request.decoderResult().cause().getMessage();
  }

  @Test
  void decodesGet() {
    final TcpTableRequest request = decode("get user@example.org\n");
    assertThat(request).isEqualTo(TcpTableRequest.of("user@example.org"));
    assertThat(request.decoderResult().isSuccess()).isTrue();
    assertThat(request.keyValidUtf8()).isTrue();
  }

  @Test
  void unquotesKeyAsPostfixQuotesIt() {
    // postmap -q 'a b%c<TAB>café+x@Example.com' tcp:... sends exactly this line.
    assertThat(decode("get a%20b%25c%09caf%C3%A9+x@Example.com\n").key())
        .isEqualTo("a b%c\tcafé+x@Example.com");
  }

  @Test
  void unquotesLowerCaseEscapes() {
    assertThat(decode("get caf%c3%a9\n").key()).isEqualTo("café");
  }

  @Test
  void unquotesControlCharacters() {
    assertThat(decode("get a%0Db%0Ac%7Fd%01\n").key()).isEqualTo("a\rb\nc\u007fd\u0001");
  }

  @Test
  void decodesEmptyKey() {
    // postmap -q '' sends "get \n".
    assertThat(decode("get \n")).isEqualTo(TcpTableRequest.of(""));
  }

  @Test
  void keepsLiteralSpacesAndCarriageReturnInTheKey() {
    // As Postfix's hex_unquote would: only '%' is special. telnet's CR stays in the key.
    assertThat(decode("get a b\n").key()).isEqualTo("a b");
    assertThat(decode("get  lead\n").key()).isEqualTo(" lead");
    assertThat(decode("get key\r\n").key()).isEqualTo("key\r");
  }

  @Test
  void flagsLatin1KeyAsInvalidUtf8() {
    // smtputf8_enable = no: the client quotes the raw byte 0xe9.
    final TcpTableRequest request = decode("get caf%E9@example.com\n");
    assertThat(request.decoderResult().isSuccess()).isTrue();
    assertThat(request.key()).isEqualTo("caf\uFFFD@example.com");
    assertThat(request.keyValidUtf8()).isFalse();
  }

  @Test
  void flagsUnquotedInvalidUtf8() {
    channel.writeInbound(bytes("get caf\u00e9\n"));
    assertThat(readRequest().keyValidUtf8()).isFalse();
  }

  @Test
  void decodesUnquotedUtf8() {
    channel.writeInbound(utf8("get café\n"));
    assertThat(readRequest()).isEqualTo(TcpTableRequest.of("café"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"put a b\n", "GET a\n", "Get a\n", "get\n", "gets a\n", "\n", " get a\n"})
  void answersOtherCommandsAsMalformed(final String wire) {
    assertThat(failure(wire))
        .startsWith("unsupported request \"")
        .endsWith("\": only \"get <key>\" is served");
  }

  @Test
  void namesTheCommandQuotedAndShortened() {
    assertThat(failure("put a b\n"))
        .isEqualTo("unsupported request \"put\": only \"get <key>\" is served");
    assertThat(failure("get\n"))
        .isEqualTo("unsupported request \"get\": only \"get <key>\" is served");
    assertThat(failure("x".repeat(40) + "\n"))
        .isEqualTo(
            "unsupported request \"" + "x".repeat(16) + "...\": only \"get <key>\" is served");
    channel.writeInbound(bytes("p\u00e9\r t\n"));
    assertThat(readRequest().decoderResult().cause())
        .hasMessage("unsupported request \"p%E9%0D\": only \"get <key>\" is served");
  }

  @ParameterizedTest
  @ValueSource(strings = {"get %\n", "get a%4\n", "get %zz\n", "get %4g\n", "get 100%\n"})
  void answersMalformedEscapesAsMalformed(final String wire) {
    final TcpTableRequest request = decode(wire);
    assertThat(request.decoderResult().cause())
        .isInstanceOf(TcpTableFormatException.class)
        .hasMessageStartingWith("key has a malformed %XX escape at offset ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"get a%00b\n", "get a\u0000b\n", "get %00\n"})
  void answersKeysWithNulAsMalformed(final String wire) {
    final TcpTableRequest request = decode(wire);
    assertThat(request.decoderResult().cause())
        .isInstanceOf(TcpTableFormatException.class)
        .hasMessage("key contains a NUL byte");
  }

  @Test
  void keepsDecodingAfterMalformedRequests() {
    channel.writeInbound(bytes("put a b\nget %zz\nget ok\n"));
    assertThat(readRequest().decoderResult().isFailure()).isTrue();
    assertThat(readRequest().decoderResult().isFailure()).isTrue();
    assertThat(readRequest()).isEqualTo(TcpTableRequest.of("ok"));
  }

  @Test
  void decodesPipelinedRequestsAtEverySplit() {
    assertDecodesAtEverySplit(
        () -> new EmbeddedChannel(new TcpTableRequestDecoder()),
        "get a\nget \nput x y\nget caf%c3%A9%20x\nget %zz\nget caf%E9\nget last\n",
        TcpTableRequestDecoderTest::view,
        List.of(
            "a",
            "",
            "malformed: unsupported request \"put\": only \"get <key>\" is served",
            "café x",
            "malformed: key has a malformed %XX escape at offset 0: '%' needs two hex digits",
            "invalid UTF-8: caf\uFFFD",
            "last"));
  }

  @Test
  void acceptsLineOfExactlyTheLimitIncludingTheNewline() {
    final String key = "k".repeat(TcpTableRequestDecoder.DEFAULT_MAX_REQUEST_LENGTH - 5);
    final String line = "get " + key + "\n";
    assertThat(line).hasSize(4096);
    assertThat(decode(line).key()).isEqualTo(key);
  }

  @Test
  void answersLineOneByteOverTheLimitAsTooLongAndGoesOn() {
    final String line = "get " + "k".repeat(4092) + "\n";
    assertThat(line).hasSize(4097);
    channel.writeInbound(bytes(line + "get next\n"));
    final TcpTableRequest tooLong = readRequest();
    assertThat(tooLong.decoderResult().cause())
        .isInstanceOf(LineTooLongException.class)
        .hasMessage("line longer than 4096 bytes (including the newline)");
    assertThat(readRequest()).isEqualTo(TcpTableRequest.of("next"));
  }

  @Test
  void reportsTooLongLineBeforeItEndsAndSkipsTheRestWithoutBuffering() {
    channel = new EmbeddedChannel(new TcpTableRequestDecoder(16));
    channel.writeInbound(bytes("get 0123456789a"));
    assertNoInbound(channel);
    // The 16th byte without a newline: answered now, not when the line ends.
    channel.writeInbound(bytes("b"));
    assertThat(readRequest().decoderResult().cause()).isInstanceOf(LineTooLongException.class);
    final ByteBuf tail = bytes("x".repeat(100_000));
    channel.writeInbound(tail);
    assertThat(tail.refCnt()).isZero();
    assertNoInbound(channel);
    channel.writeInbound(bytes("yy\nget k\n"));
    assertThat(readRequest()).isEqualTo(TcpTableRequest.of("k"));
  }

  @Test
  void tooLongLineAtEverySplit() {
    assertDecodesAtEverySplit(
        () -> new EmbeddedChannel(new TcpTableRequestDecoder(8)),
        "get abc\nget abcd\nget a\n",
        TcpTableRequestDecoderTest::view,
        List.of("abc", "malformed: line longer than 8 bytes (including the newline)", "a"));
  }

  @Test
  void closeInTheMiddleOfALineIsReported() {
    channel.writeInbound(bytes("get a\nget b"));
    assertThat(readRequest()).isEqualTo(TcpTableRequest.of("a"));
    assertThatThrownBy(channel::finish)
        .isInstanceOf(TcpTableFormatException.class)
        .hasMessage("connection closed in the middle of a request: 5 bytes without a newline");
  }

  @Test
  void closeBetweenLinesIsSilent() {
    channel.writeInbound(bytes("get a\n"));
    assertThat(readRequest()).isEqualTo(TcpTableRequest.of("a"));
    assertFalse(channel.finish());
  }

  @Test
  void closeWhileSkippingAnAnsweredLongLineIsSilent() {
    channel = new EmbeddedChannel(new TcpTableRequestDecoder(8));
    channel.writeInbound(bytes("get 0123456789"));
    assertThat(readRequest().decoderResult().isFailure()).isTrue();
    assertFalse(channel.finish());
  }

  @Test
  void reservesUnfinishedLineFromTheBudgetAndReleasesItWithTheLine() {
    final RecordingBudget budget = new RecordingBudget(100);
    channel = new EmbeddedChannel(new TcpTableRequestDecoder(4096, budget));
    channel.writeInbound(bytes("get a\nget "));
    channel.writeInbound(bytes("bc"));
    assertThat(budget.calls).containsExactly("reserve 4", "reserve 2");
    channel.writeInbound(bytes("d\n"));
    assertThat(budget.calls).containsExactly("reserve 4", "reserve 2", "release 6");
    assertThat(budget.held).isZero();
    assertThat(view(readRequest())).isEqualTo("a");
    assertThat(view(readRequest())).isEqualTo("bcd");
  }

  @Test
  void budgetRefusalFailsTheStream() {
    final RecordingBudget budget = new RecordingBudget(5);
    channel = new EmbeddedChannel(new TcpTableRequestDecoder(4096, budget));
    assertThatThrownBy(() -> channel.writeInbound(bytes("get abc")))
        .isInstanceOf(LineOverBudgetException.class)
        .hasMessage("no buffer budget left for an unfinished line of 7 bytes");
    assertThat(channel.writeInbound(bytes("\nget b\n"))).isFalse();
    assertThat(budget.held).isZero();
  }

  @Test
  void removalFromThePipelineReleasesTheReservation() {
    final RecordingBudget budget = new RecordingBudget(100);
    channel = new EmbeddedChannel(new TcpTableRequestDecoder(4096, budget));
    channel.writeInbound(bytes("get abc"));
    channel.pipeline().removeFirst();
    assertThat(budget.held).isZero();
    channel.<ByteBuf>readInbound().release();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 0, -1})
  void rejectsLimitBelowTwo(final int limit) {
    assertThatThrownBy(() -> new TcpTableRequestDecoder(limit))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLineLength must be at least 2, got " + limit);
  }

  @Test
  void reportsItsLimit() {
    assertThat(new TcpTableRequestDecoder().maxLineLength()).isEqualTo(4096);
  }
}
