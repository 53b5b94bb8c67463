package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Postfix's {@code %XX} quoting ({@code hex_quote}/{@code hex_unquote} in {@code
 * src/util/hex_quote.c}), used by the tcp_table protocol for keys and values. It works on bytes:
 * text is quoted as its UTF-8 bytes.
 *
 * <ul>
 *   <li><b>Quote:</b> a byte stays as it is if it is printable ASCII other than space and {@code %}
 *       (0x21 to 0x7e, except 0x25); every other byte (whitespace, control characters, DEL, {@code
 *       %}, and every byte of a non-ASCII character) becomes {@code %XX} with upper-case hex
 *       digits, like Postfix's client writes it.
 *   <li><b>Unquote:</b> {@code %} must be followed by two hex digits in any case ({@code %c3%A9} is
 *       fine); every other byte, including an unquoted space, is taken literally. A {@code %}
 *       without two hex digits after it is an error. There is no {@code +}-to-space rule: this is
 *       not URL form encoding.
 * </ul>
 */
public final class HexQuote {

  private static final byte[] HEX_DIGITS = "0123456789ABCDEF".getBytes(US_ASCII);

  private HexQuote() {}

  /** Tells whether Postfix writes {@code b} as it is rather than as {@code %XX}. */
  static boolean isLiteral(final byte b) {
    return b >= 0x21 && b <= 0x7e && b != '%';
  }

  /**
   * Returns the length of {@code raw} once quoted.
   *
   * @param raw the bytes to quote
   * @return the quoted length in bytes
   */
  public static int quotedLength(final byte[] raw) {
    int length = 0;
    for (final byte b : raw) {
      length += isLiteral(b) ? 1 : 3;
    }
    return length;
  }

  /**
   * Writes {@code raw} quoted to {@code out}.
   *
   * @param raw the bytes to quote
   * @param out where to write {@link #quotedLength(byte[])} bytes
   */
  public static void quote(final byte[] raw, final ByteBuf out) {
    for (final byte b : raw) {
      if (isLiteral(b)) {
        out.writeByte(b);
      } else {
        out.writeByte('%');
        out.writeByte(HEX_DIGITS[(b >> 4) & 0xf]);
        out.writeByte(HEX_DIGITS[b & 0xf]);
      }
    }
  }

  /**
   * Quotes the UTF-8 bytes of {@code text}, for tools and tests.
   *
   * @param text the text to quote
   * @return the quoted form, all printable ASCII
   */
  public static String quote(final String text) {
    return quote(text.getBytes(UTF_8));
  }

  /**
   * Quotes {@code raw}, for tools, tests and log messages.
   *
   * @param raw the bytes to quote
   * @return the quoted form, all printable ASCII
   */
  public static String quote(final byte[] raw) {
    final ByteBuf out = Unpooled.buffer(quotedLength(raw));
    try {
      quote(raw, out);
      return out.toString(US_ASCII);
    } finally {
      out.release();
    }
  }

  /**
   * Unquotes {@code length} bytes of {@code in} from {@code index}, without moving its indexes.
   *
   * @param in the quoted bytes
   * @param index where they start
   * @param length how many there are
   * @return the raw bytes
   * @throws IllegalArgumentException if a {@code %} is not followed by two hex digits; the message
   *     names the offset
   */
  public static byte[] unquote(final ByteBuf in, final int index, final int length) {
    final byte[] raw = new byte[length];
    int n = 0;
    final int end = index + length;
    for (int i = index; i < end; i++) {
      final byte b = in.getByte(i);
      if (b != '%') {
        raw[n++] = b;
        continue;
      }
      final int high = i + 1 < end ? hexValue(in.getByte(i + 1)) : -1;
      final int low = i + 2 < end ? hexValue(in.getByte(i + 2)) : -1;
      if (high < 0 || low < 0) {
        throw new IllegalArgumentException(
            "malformed %XX escape at offset " + (i - index) + ": '%' needs two hex digits");
      }
      raw[n++] = (byte) (high << 4 | low);
      i += 2;
    }
    if (n == length) {
      return raw;
    }
    final byte[] shorter = new byte[n];
    System.arraycopy(raw, 0, shorter, 0, n);
    return shorter;
  }

  /**
   * Unquotes {@code quoted}, for tools and tests.
   *
   * @param quoted quoted text; each char must be below U+0100 and stands for one byte
   * @return the raw bytes
   * @throws IllegalArgumentException on a malformed escape
   */
  public static byte[] unquote(final String quoted) {
    final ByteBuf buf = Unpooled.copiedBuffer(quoted, ISO_8859_1);
    try {
      return unquote(buf, buf.readerIndex(), buf.readableBytes());
    } finally {
      buf.release();
    }
  }

  private static int hexValue(final byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }
}
