package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.List;

/**
 * Turns a netstring payload (from {@link NetstringFrameDecoder}) into a {@link SocketmapRequest}.
 *
 * <p>The payload is split at the <em>first</em> space: clients cannot produce a map name with a
 * space, but keys may contain spaces, commas, colons and quotes, and may be empty ({@code postmap
 * -q ''} sends {@code 6:mymap ,}).
 *
 * <p>A payload without a space is emitted as a request with a failed {@link
 * SocketmapRequest#decoderResult()}, not thrown: the framing is intact, so the server can answer
 * {@code PERM} in order and keep the connection.
 *
 * <p>Keys are decoded strictly as UTF-8 to tell valid keys from invalid ones (Postfix with SMTPUTF8
 * never sends invalid UTF-8, but without it, and with Sendmail, raw 8-bit bytes pass through). An
 * invalid key is still decoded, with replacement characters, and flagged by {@link
 * SocketmapRequest#isKeyValidUtf8()}.
 *
 * <p>Not sharable: each channel needs its own instance.
 */
public final class SocketmapRequestDecoder extends MessageToMessageDecoder<ByteBuf> {

  /** Message of the failure of a request without a space. */
  static final String NO_SPACE_MESSAGE = "malformed request: no space between map name and key";

  /** Stops at the first byte that is not ASCII (as a signed byte, negative). */
  private static final ByteProcessor ASCII = value -> value >= 0;

  private final CharsetDecoder strictUtf8 =
      UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** Creates a decoder. */
  public SocketmapRequestDecoder() {
    super(ByteBuf.class);
  }

  @Override
  protected void decode(
      final ChannelHandlerContext ctx, final ByteBuf msg, final List<Object> out) {
    final int nameLength = msg.bytesBefore((byte) ' ');
    if (nameLength < 0) {
      out.add(SocketmapRequest.malformed(new DecoderException(NO_SPACE_MESSAGE)));
      return;
    }
    // A map name comes from the client's configuration; replacement is good enough for it.
    final String mapName = msg.toString(msg.readerIndex(), nameLength, UTF_8);
    final int keyIndex = msg.readerIndex() + nameLength + 1;
    final int keyLength = msg.writerIndex() - keyIndex;
    final String strictKey = decodeStrict(msg, keyIndex, keyLength);
    if (strictKey != null) {
      out.add(SocketmapRequest.of(mapName, strictKey, true));
    } else {
      out.add(SocketmapRequest.of(mapName, msg.toString(keyIndex, keyLength, UTF_8), false));
    }
  }

  /** Returns the bytes decoded as UTF-8, or {@code null} if they are not valid UTF-8. */
  private String decodeStrict(final ByteBuf buf, final int index, final int length) {
    // Most keys (addresses, domains) are plain ASCII, which is valid UTF-8 as it stands: no
    // decoder and no char buffer needed.
    if (buf.forEachByte(index, length, ASCII) < 0) {
      return buf.toString(index, length, US_ASCII);
    }
    final ByteBuffer bytes = buf.nioBuffer(index, length);
    // UTF-8 never yields more chars than bytes, so this buffer cannot overflow.
    final CharBuffer chars = CharBuffer.allocate(length);
    strictUtf8.reset();
    CoderResult result = strictUtf8.decode(bytes, chars, true);
    if (result.isUnderflow()) {
      result = strictUtf8.flush(chars);
    }
    if (!result.isUnderflow()) {
      return null;
    }
    return chars.flip().toString();
  }
}
