package io.sockmapd.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Netstring writing shared by {@link SocketmapResponseEncoder} and {@link SocketmapRequestEncoder}.
 * Both write a payload of the form {@code <head> <tail>}: status word and text, or map name and
 * key.
 */
final class SocketmapCodecUtil {

  private SocketmapCodecUtil() {}

  /** Returns the payload length of {@code head + ' ' + tail} in UTF-8 bytes. */
  static int payloadLength(final CharSequence head, final CharSequence tail) {
    return ByteBufUtil.utf8Bytes(head) + 1 + ByteBufUtil.utf8Bytes(tail);
  }

  /** Returns the size of the whole netstring for a payload of {@code payloadLength} bytes. */
  static int netstringLength(final int payloadLength) {
    return decimalDigits(payloadLength) + 1 + payloadLength + 1;
  }

  /**
   * Writes {@code <len>:<head> <tail>,} with the length in canonical decimal (no leading zeros),
   * counted in UTF-8 bytes. {@code out} should have {@link #netstringLength} writable bytes; the
   * write does not grow it beyond that.
   */
  static void writeNetstring(final ByteBuf out, final CharSequence head, final CharSequence tail) {
    final int headBytes = ByteBufUtil.utf8Bytes(head);
    final int tailBytes = ByteBufUtil.utf8Bytes(tail);
    ByteBufUtil.writeAscii(out, Integer.toString(headBytes + 1 + tailBytes));
    out.writeByte(':');
    // reserveAndWriteUtf8 with the exact size: writeUtf8 would reserve 3 bytes per char and
    // reallocate an exactly sized buffer.
    ByteBufUtil.reserveAndWriteUtf8(out, head, headBytes);
    out.writeByte(' ');
    ByteBufUtil.reserveAndWriteUtf8(out, tail, tailBytes);
    out.writeByte(',');
  }

  private static int decimalDigits(final int n) {
    int digits = 1;
    for (int rest = n / 10; rest > 0; rest /= 10) {
      digits++;
    }
    return digits;
  }
}
