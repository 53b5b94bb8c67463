package io.sockmapd.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link SocketmapResponse} as one netstring, {@code <len>:<WORD> <text>,}, with the
 * length in UTF-8 bytes and in canonical decimal.
 *
 * <p>Rules, each one for a client that misbehaves otherwise:
 *
 * <ul>
 *   <li>{@code OK} is always followed by a space: Sendmail 8.17 crashes (SIGSEGV) on a bare {@code
 *       2:OK,}, and Postfix 3.7 reads it as "not found".
 *   <li>{@code OK} with an empty value is written as {@code NOTFOUND }: every Postfix daemon treats
 *       {@code OK } with empty data as a configuration error and defers mail.
 *   <li>{@code NOTFOUND} is written with its trailing space (both clients accept it) and its text
 *       is ignored.
 *   <li>{@code TEMP}, {@code TIMEOUT} and {@code PERM} reasons are logged by the clients, so CR, LF
 *       and NUL in them are replaced by spaces. {@code OK} values are written verbatim.
 *   <li>A reply whose payload would exceed the limit is replaced by {@code TEMP reply too large}:
 *       Postfix drops the connection on an over-long reply, and a temporary error keeps it.
 * </ul>
 *
 * <p>Use {@link #payloadLength(SocketmapResponse)} to find out (and log) that a reply will be
 * replaced.
 */
public final class SocketmapResponseEncoder extends MessageToByteEncoder<SocketmapResponse> {

  /** What an over-long reply is replaced with. */
  static final SocketmapResponse REPLY_TOO_LARGE = SocketmapResponse.temp("reply too large");

  /** The smallest limit that still fits {@link #REPLY_TOO_LARGE}. */
  static final int MIN_MAX_REPLY_LENGTH = payloadLength(REPLY_TOO_LARGE);

  private final int maxReplyLength;

  /**
   * Creates an encoder with the Postfix reply limit, {@value
   * SocketmapConstants#DEFAULT_MAX_REPLY_LENGTH} bytes.
   */
  public SocketmapResponseEncoder() {
    this(SocketmapConstants.DEFAULT_MAX_REPLY_LENGTH);
  }

  /**
   * Creates an encoder.
   *
   * @param maxReplyLength the largest payload written, in bytes; at least the 20 bytes of {@code
   *     TEMP reply too large}
   * @throws IllegalArgumentException if {@code maxReplyLength} is too small
   */
  public SocketmapResponseEncoder(final int maxReplyLength) {
    super(SocketmapResponse.class);
    if (maxReplyLength < MIN_MAX_REPLY_LENGTH) {
      throw new IllegalArgumentException(
          "maxReplyLength must be at least "
              + MIN_MAX_REPLY_LENGTH
              + " (the size of 'TEMP reply too large'), got "
              + maxReplyLength);
    }
    this.maxReplyLength = maxReplyLength;
  }

  /**
   * Returns the largest payload this encoder writes.
   *
   * @return the limit in bytes
   */
  public int maxReplyLength() {
    return maxReplyLength;
  }

  /**
   * Returns the number of payload bytes {@code response} takes on the wire, after the rules above
   * but before the size limit. If this exceeds {@link #maxReplyLength()}, the encoder writes {@code
   * TEMP reply too large} instead.
   *
   * @param response the response
   * @return the payload length in bytes (without the netstring length, colon and comma)
   */
  public static int payloadLength(final SocketmapResponse response) {
    final SocketmapResponse wire = wireForm(response);
    return SocketmapCodecUtil.payloadLength(wire.status().word(), wire.text());
  }

  @Override
  protected ByteBuf allocateBuffer(
      final ChannelHandlerContext ctx, final SocketmapResponse msg, final boolean preferDirect) {
    final SocketmapResponse wire = limited(msg);
    return ctx.alloc()
        .ioBuffer(
            SocketmapCodecUtil.netstringLength(
                SocketmapCodecUtil.payloadLength(wire.status().word(), wire.text())));
  }

  @Override
  protected void encode(
      final ChannelHandlerContext ctx, final SocketmapResponse msg, final ByteBuf out) {
    final SocketmapResponse wire = limited(msg);
    SocketmapCodecUtil.writeNetstring(out, wire.status().word(), wire.text());
  }

  private SocketmapResponse limited(final SocketmapResponse response) {
    final SocketmapResponse wire = wireForm(response);
    return SocketmapCodecUtil.payloadLength(wire.status().word(), wire.text()) > maxReplyLength
        ? REPLY_TOO_LARGE
        : wire;
  }

  /** Applies the rules for empty values, NOTFOUND and reasons. */
  private static SocketmapResponse wireForm(final SocketmapResponse response) {
    return switch (response.status()) {
      case OK -> response.text().isEmpty() ? SocketmapResponse.notFound() : response;
      case NOTFOUND -> SocketmapResponse.notFound();
      case TEMP, TIMEOUT, PERM ->
          new SocketmapResponse(response.status(), sanitizeReason(response.text()));
    };
  }

  /**
   * Replaces CR, LF and NUL with spaces so that a reason cannot forge or cut log lines. Each is one
   * byte, like the space, so the payload length does not change.
   */
  private static String sanitizeReason(final String reason) {
    return reason.replace('\r', ' ').replace('\n', ' ').replace('\0', ' ');
  }
}
