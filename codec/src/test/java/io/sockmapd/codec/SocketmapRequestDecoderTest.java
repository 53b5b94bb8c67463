package io.sockmapd.codec;

import static io.sockmapd.codec.CodecTestUtil.assertNoInbound;
import static io.sockmapd.codec.CodecTestUtil.bytes;
import static io.sockmapd.codec.CodecTestUtil.netstring;
import static io.sockmapd.codec.CodecTestUtil.utf8;
import static io.sockmapd.codec.CodecTestUtil.writeByteByByte;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SocketmapRequestDecoderTest {

  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    channel =
        new EmbeddedChannel(
            new NetstringFrameDecoder(SocketmapConstants.DEFAULT_MAX_REQUEST_LENGTH),
            new SocketmapRequestDecoder());
  }

  @AfterEach
  void tearDown() {
    assertFalse(channel.finish());
  }

  private SocketmapRequest readRequest() {
    final SocketmapRequest request = channel.readInbound();
    assertThat(request).isNotNull();
    return request;
  }

  private SocketmapRequest decode(final String wire) {
    channel.writeInbound(utf8(wire));
    final SocketmapRequest request = readRequest();
    assertNoInbound(channel);
    return request;
  }

  @Test
  void splitsMapNameAndKey() {
    final SocketmapRequest request = decode("24:virtual user@example.org,");
    assertThat(request.decoderResult().isSuccess()).isTrue();
    assertThat(request.mapName()).isEqualTo("virtual");
    assertThat(request.key()).isEqualTo("user@example.org");
    assertThat(request.isKeyValidUtf8()).isTrue();
    assertThat(request).isEqualTo(SocketmapRequest.of("virtual", "user@example.org"));
  }

  @Test
  void splitsAtTheFirstSpaceOnly() {
    final String key = "a b,c:d 'e' \"f\" <> [192.0.2.1]";
    final SocketmapRequest request = decode(netstring("mymap " + key));
    assertThat(request.mapName()).isEqualTo("mymap");
    assertThat(request.key()).isEqualTo(key);
  }

  @Test
  void keepsLeadingSpacesOfTheKey() {
    assertThat(decode("8:mymap  x,").key()).isEqualTo(" x");
  }

  @Test
  void decodesEmptyKey() {
    // postmap -q '' sends exactly this.
    final SocketmapRequest request = decode("6:mymap ,");
    assertThat(request.decoderResult().isSuccess()).isTrue();
    assertThat(request.mapName()).isEqualTo("mymap");
    assertThat(request.key()).isEmpty();
    assertThat(request.isKeyValidUtf8()).isTrue();
  }

  @Test
  void decodesEmptyMapName() {
    final SocketmapRequest request = decode("2: k,");
    assertThat(request.mapName()).isEmpty();
    assertThat(request.key()).isEqualTo("k");
  }

  @Test
  void decodesUtf8Key() {
    // 23:mymap café@example.com, as sent by Postfix with SMTPUTF8.
    final SocketmapRequest request = decode("23:mymap café@example.com,");
    assertThat(request.key()).isEqualTo("café@example.com");
    assertThat(request.isKeyValidUtf8()).isTrue();
  }

  @Test
  void decodesFourByteUtf8Key() {
    final SocketmapRequest request = decode("10:mymap \uD83D\uDE00,");
    assertThat(request.key()).isEqualTo("\uD83D\uDE00");
    assertThat(request.isKeyValidUtf8()).isTrue();
  }

  @Test
  void flagsLatin1KeyAsInvalidUtf8() {
    // 22:mymap caf\xe9@example.com, as sent by Postfix without SMTPUTF8.
    channel.writeInbound(bytes("22:mymap caf\u00e9@example.com,"));
    final SocketmapRequest request = readRequest();
    assertThat(request.decoderResult().isSuccess()).isTrue();
    assertThat(request.mapName()).isEqualTo("mymap");
    assertThat(request.key()).isEqualTo("caf\uFFFD@example.com");
    assertThat(request.isKeyValidUtf8()).isFalse();
  }

  @Test
  void flagsTruncatedSequenceAsInvalidUtf8() {
    channel.writeInbound(bytes("9:mymap ab\u00c3,"));
    final SocketmapRequest request = readRequest();
    assertThat(request.key()).isEqualTo("ab\uFFFD");
    assertThat(request.isKeyValidUtf8()).isFalse();
  }

  @Test
  void flagsOverlongEncodingAsInvalidUtf8() {
    // 0xc0 0xaf is an overlong '/', a classic filter bypass.
    channel.writeInbound(bytes("8:mymap \u00c0\u00af,"));
    final SocketmapRequest request = readRequest();
    assertThat(request.key()).doesNotContain("/");
    assertThat(request.isKeyValidUtf8()).isFalse();
  }

  @Test
  void decodesInvalidUtf8MapNameWithReplacement() {
    channel.writeInbound(bytes("5:m\u00ffp k,"));
    final SocketmapRequest request = readRequest();
    assertThat(request.mapName()).isEqualTo("m\uFFFDp");
    assertThat(request.key()).isEqualTo("k");
    assertThat(request.isKeyValidUtf8()).isTrue();
  }

  @Test
  void emitsMalformedRequestWithoutSpace() {
    final SocketmapRequest request = decode("5:mymap,");
    assertThat(request.decoderResult().isFailure()).isTrue();
    assertThat(request.decoderResult().cause())
        .isInstanceOf(DecoderException.class)
        .hasMessage("malformed request: no space between map name and key");
    assertThat(request.mapName()).isEmpty();
    assertThat(request.key()).isEmpty();
    assertThat(request.isKeyValidUtf8()).isFalse();
  }

  @Test
  void emitsMalformedRequestForEmptyPayload() {
    assertThat(decode("0:,").decoderResult().isFailure()).isTrue();
  }

  @Test
  void keepsDecodingAfterMalformedRequest() {
    channel.writeInbound(utf8("5:mymap,7:mymap k,"));
    assertThat(readRequest().decoderResult().isFailure()).isTrue();
    assertThat(readRequest()).isEqualTo(SocketmapRequest.of("mymap", "k"));
  }

  @Test
  void decodesPipelinedRequestsInOrder() {
    writeByteByByte(channel, utf8("7:mymap a,6:mymap ,5:nokey,9:other b c,"));
    assertThat(readRequest()).isEqualTo(SocketmapRequest.of("mymap", "a"));
    assertThat(readRequest()).isEqualTo(SocketmapRequest.of("mymap", ""));
    assertThat(readRequest().decoderResult().isFailure()).isTrue();
    assertThat(readRequest()).isEqualTo(SocketmapRequest.of("other", "b c"));
  }

  @Test
  void decodesLongKeyFromPostfix37() {
    final String key = "x".repeat(20_000) + "@example.org";
    final SocketmapRequest request = decode(netstring("mymap " + key));
    assertThat(request.key()).isEqualTo(key);
  }

  @Test
  void reusesTheNameOfTheMapAskedBeforeAndDecodesEachNewOne() {
    // Names of one length that differ in one byte, an invalid byte, and a name over the limit of
    // what is kept: each request gets its own name, whatever came before it.
    final String longName = "m".repeat(SocketmapRequestDecoder.REMEMBERED_NAME_MAX_BYTES + 1);
    channel.writeInbound(bytes("6:mapa k,6:mapa k,6:mapb k,6:m\u00ffpb k,6:mapb k,"));
    channel.writeInbound(utf8(netstring(longName + " k") + netstring(longName + " k")));
    final SocketmapRequest first = readRequest();
    final SocketmapRequest second = readRequest();
    assertThat(first.mapName()).isEqualTo("mapa");
    assertThat(second.mapName()).isSameAs(first.mapName());
    assertThat(readRequest().mapName()).isEqualTo("mapb");
    assertThat(readRequest().mapName()).isEqualTo("m\uFFFDpb");
    assertThat(readRequest().mapName()).isEqualTo("mapb");
    final SocketmapRequest firstLong = readRequest();
    final SocketmapRequest secondLong = readRequest();
    assertThat(firstLong.mapName()).isEqualTo(longName);
    assertThat(secondLong.mapName()).isEqualTo(longName).isNotSameAs(firstLong.mapName());
    assertNoInbound(channel);
  }
}
