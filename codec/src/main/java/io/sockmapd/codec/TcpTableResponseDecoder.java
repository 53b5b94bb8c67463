package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;

/**
 * Client side: reads tcp_table reply lines into {@link TcpTableResponse}s the way Postfix's client
 * ({@code dict_tcp.c}) does, for tests and tools.
 *
 * <ul>
 *   <li>The line, newline included, may be at most {@value
 *       TcpTableResponseEncoder#DEFAULT_MAX_REPLY_LENGTH} bytes by default.
 *   <li>It must start with three digits and a whitespace character ({@code 200\n} is malformed),
 *       and the rest must unquote ({@code %XX} in any case; an unquoted space is taken as it is).
 *   <li>Only the first digit counts: 2 is found, 5 not found, 4 a temporary error; any other is a
 *       bad status code.
 * </ul>
 *
 * <p>Anything else throws a {@link TcpTableFormatException} (or a {@link LineTooLongException}),
 * after which the decoder discards its input: Postfix disconnects in that case. The text is decoded
 * as UTF-8 with replacement.
 */
public final class TcpTableResponseDecoder extends BoundedLineDecoder {

  /** Creates a decoder with Postfix's reply limit. */
  public TcpTableResponseDecoder() {
    this(TcpTableResponseEncoder.DEFAULT_MAX_REPLY_LENGTH);
  }

  /**
   * Creates a decoder.
   *
   * @param maxReplyLength the longest reply line accepted, in bytes including the newline
   * @throws IllegalArgumentException if {@code maxReplyLength} is below 2
   */
  public TcpTableResponseDecoder(final int maxReplyLength) {
    super(maxReplyLength, FrameBudget.UNLIMITED);
  }

  @Override
  void decodeLine(final ChannelHandlerContext ctx, final ByteBuf line, final List<Object> out) {
    final int start = line.readerIndex();
    if (line.readableBytes() < 4
        || !isDigit(line.getByte(start))
        || !isDigit(line.getByte(start + 1))
        || !isDigit(line.getByte(start + 2))
        || !isSpace(line.getByte(start + 3))) {
      throw malformed(line);
    }
    final byte[] text;
    try {
      text = HexQuote.unquote(line, start + 4, line.readableBytes() - 4);
    } catch (IllegalArgumentException e) {
      throw malformed(line);
    }
    final TcpTableStatus status =
        switch (line.getByte(start)) {
          case '2' -> TcpTableStatus.FOUND;
          case '4' -> TcpTableStatus.TEMP_ERROR;
          case '5' -> TcpTableStatus.NOT_FOUND;
          default -> throw new TcpTableFormatException("bad status code: " + printable(line));
        };
    out.add(new TcpTableResponse(status, new String(text, UTF_8)));
  }

  @Override
  void endOfInput(final int partialLineBytes) {
    if (partialLineBytes > 0) {
      throw new TcpTableFormatException(
          "connection closed in the middle of a reply: "
              + partialLineBytes
              + " bytes without a newline");
    }
  }

  private static TcpTableFormatException malformed(final ByteBuf line) {
    return new TcpTableFormatException("malformed reply: " + printable(line));
  }

  /** The start of {@code line}, quoted so that it is printable, for the message. */
  private static String printable(final ByteBuf line) {
    final byte[] head = new byte[Math.min(line.readableBytes(), 100)];
    line.getBytes(line.readerIndex(), head);
    return HexQuote.quote(head);
  }

  private static boolean isDigit(final byte b) {
    return b >= '0' && b <= '9';
  }

  /** C's {@code isspace} in the C locale, as Postfix's {@code ISSPACE}. */
  private static boolean isSpace(final byte b) {
    return b == ' ' || (b >= '\t' && b <= '\r');
  }
}
