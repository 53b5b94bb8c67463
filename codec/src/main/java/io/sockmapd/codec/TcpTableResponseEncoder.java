package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes a {@link TcpTableResponse} as one line, {@code <code> <quoted text>\n}, with the text
 * quoted exactly like Postfix's {@code hex_quote} (see {@link HexQuote}), so that a value may hold
 * spaces, {@code %}, newlines and any other byte.
 *
 * <p>Rules, each one for what Postfix's client ({@code dict_tcp.c}) does otherwise:
 *
 * <ul>
 *   <li>A found value that is empty is written as not found: Postfix treats an empty result as a
 *       configuration error and defers mail.
 *   <li>A line longer than the limit (by default Postfix's 4096 bytes, including the newline) is
 *       replaced by {@code 400 reply%20too%20large}: Postfix would warn, drop the connection and
 *       retry for about ten seconds before it gives up with a temporary error anyway.
 * </ul>
 *
 * <p>Use {@link #lineLength(TcpTableResponse)} to find out (and log) that a reply will be replaced.
 */
public final class TcpTableResponseEncoder extends MessageToMessageEncoder<TcpTableResponse> {

  /** Postfix's limit on a reply line ({@code DICT_TCP_MAXLEN}), including the newline. */
  public static final int DEFAULT_MAX_REPLY_LENGTH = 4096;

  /** What an over-long reply is replaced with. */
  static final TcpTableResponse REPLY_TOO_LARGE = TcpTableResponse.tempError("reply too large");

  /** The smallest limit that still fits {@link #REPLY_TOO_LARGE}. */
  static final int MIN_MAX_REPLY_LENGTH = lineLength(REPLY_TOO_LARGE);

  private final int maxReplyLength;

  /** Creates an encoder with Postfix's limit, {@value #DEFAULT_MAX_REPLY_LENGTH} bytes. */
  public TcpTableResponseEncoder() {
    this(DEFAULT_MAX_REPLY_LENGTH);
  }

  /**
   * Creates an encoder.
   *
   * @param maxReplyLength the longest line written, in bytes including the newline; at least the
   *     size of {@code 400 reply%20too%20large}
   * @throws IllegalArgumentException if {@code maxReplyLength} is too small
   */
  public TcpTableResponseEncoder(final int maxReplyLength) {
    super(TcpTableResponse.class);
    if (maxReplyLength < MIN_MAX_REPLY_LENGTH) {
      throw new IllegalArgumentException(
          "maxReplyLength must be at least "
              + MIN_MAX_REPLY_LENGTH
              + " (the size of '400 reply%20too%20large'), got "
              + maxReplyLength);
    }
    this.maxReplyLength = maxReplyLength;
  }

  /**
   * Returns the longest line this encoder writes.
   *
   * @return the limit in bytes, including the newline
   */
  public int maxReplyLength() {
    return maxReplyLength;
  }

  /**
   * Returns the number of bytes {@code response} takes on the wire, newline included, after the
   * rules above but before the size limit. If this exceeds {@link #maxReplyLength()}, the encoder
   * writes {@code 400 reply%20too%20large} instead.
   *
   * @param response the response
   * @return the line length in bytes
   */
  public static int lineLength(final TcpTableResponse response) {
    return lineLength(wireForm(response).text().getBytes(UTF_8));
  }

  private static int lineLength(final byte[] text) {
    // "NNN " + quoted text + "\n"
    return 4 + HexQuote.quotedLength(text) + 1;
  }

  @Override
  protected void encode(
      final ChannelHandlerContext ctx, final TcpTableResponse msg, final List<Object> out) {
    TcpTableResponse wire = wireForm(msg);
    byte[] text = wire.text().getBytes(UTF_8);
    if (lineLength(text) > maxReplyLength) {
      wire = REPLY_TOO_LARGE;
      text = wire.text().getBytes(UTF_8);
    }
    final ByteBuf buf = ctx.alloc().ioBuffer(lineLength(text));
    buf.writeCharSequence(wire.status().code(), US_ASCII);
    buf.writeByte(' ');
    HexQuote.quote(text, buf);
    buf.writeByte('\n');
    out.add(buf);
  }

  /** Applies the rule for empty values. */
  private static TcpTableResponse wireForm(final TcpTableResponse response) {
    return response.status() == TcpTableStatus.FOUND && response.text().isEmpty()
        ? TcpTableResponse.notFound()
        : response;
  }
}
