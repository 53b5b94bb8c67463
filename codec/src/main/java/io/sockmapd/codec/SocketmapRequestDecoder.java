package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.MessageToMessageDecoder;
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

  private final StrictUtf8 strictUtf8 = new StrictUtf8();

  /**
   * The map name of the previous request and its bytes. A client's connection asks the same map
   * again and again, so the name is usually compared instead of decoded: no new string per request,
   * and the server's lookups by name reuse the string's cached hash.
   */
  private String lastName = "";

  /**
   * Longer names are decoded every time and not kept: a hostile client could otherwise make each of
   * its connections hold a frame-sized name.
   */
  static final int REMEMBERED_NAME_MAX_BYTES = 64;

  private byte[] lastNameBytes = new byte[0];

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
    final String mapName = mapName(msg, nameLength);
    final int keyIndex = msg.readerIndex() + nameLength + 1;
    final int keyLength = msg.writerIndex() - keyIndex;
    final String strictKey = strictUtf8.decodeOrNull(msg, keyIndex, keyLength);
    if (strictKey != null) {
      out.add(SocketmapRequest.of(mapName, strictKey, true));
    } else {
      out.add(SocketmapRequest.of(mapName, msg.toString(keyIndex, keyLength, UTF_8), false));
    }
  }

  private String mapName(final ByteBuf msg, final int nameLength) {
    final int start = msg.readerIndex();
    if (nameLength == lastNameBytes.length) {
      int i = 0;
      while (i < nameLength && msg.getByte(start + i) == lastNameBytes[i]) {
        i++;
      }
      if (i == nameLength) {
        return lastName;
      }
    }
    // A map name comes from the client's configuration; replacement is good enough for it.
    final String name = msg.toString(start, nameLength, UTF_8);
    if (nameLength > REMEMBERED_NAME_MAX_BYTES) {
      return name;
    }
    final byte[] bytes = new byte[nameLength];
    msg.getBytes(start, bytes);
    lastName = name;
    lastNameBytes = bytes;
    return name;
  }
}
