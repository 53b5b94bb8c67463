package io.sockmapd.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;

/**
 * Splits a byte stream into netstrings ({@code <length>:<payload>,}) and emits each payload as a
 * {@link ByteBuf} that the next handler must release.
 *
 * <p>The decoder is strict, unlike the clients, because it only has to understand what the clients
 * write, and a strict parser gives no room for smuggling:
 *
 * <ul>
 *   <li>The length is ASCII decimal digits only: no sign, no whitespace (Sendmail's reader would
 *       skip it, Postfix's rejects it), and no leading zero except in {@code 0:}.
 *   <li>The length counts payload <em>bytes</em>, and is checked against the limit digit by digit,
 *       before any payload is buffered. So a huge declared length fails at once, and the length
 *       never has more digits than the limit, so it cannot overflow.
 *   <li>The payload is emitted only after the trailing {@code ,} has been seen.
 *   <li>Once the length prefix is complete, the declared length is reserved from the {@link
 *       FrameBudget} before any payload is buffered, and given back when the frame is complete,
 *       fails, or the decoder leaves the pipeline. A refusal fails the frame.
 * </ul>
 *
 * <p>A violation throws a {@link NetstringFormatException} or {@link NetstringTooLongException}
 * once; after that the decoder discards all input for the life of the channel, since the framing
 * cannot be resynchronised. The caller is expected to close the connection. If the channel closes
 * in the middle of a netstring, a {@link NetstringFormatException} is thrown from {@link
 * #decodeLast}; a close between netstrings is normal and silent.
 *
 * <p>Not sharable: each channel needs its own instance.
 */
public final class NetstringFrameDecoder extends ByteToMessageDecoder {

  private enum State {
    /** Reading length digits, up to and including the {@code ':'}. */
    READ_LENGTH,
    /** Waiting for {@code length} payload bytes plus the {@code ','}. */
    READ_PAYLOAD,
    /** After an error: drop everything until the channel closes. */
    DISCARDING
  }

  private final int maxLength;

  /** What the current frame holds of the budget; nothing between frames. */
  private final BudgetReservation reserved;

  private State state = State.READ_LENGTH;

  /** Number of length digits consumed for the current netstring. */
  private int lengthDigits;

  /** Declared payload length so far; never above {@link #maxLength}. */
  private int length;

  /**
   * Creates a decoder.
   *
   * @param maxLength the largest payload accepted, in bytes; for a server use {@link
   *     SocketmapConstants#DEFAULT_MAX_REQUEST_LENGTH}, for a client the largest reply it accepts
   * @throws IllegalArgumentException if {@code maxLength} is not positive
   */
  public NetstringFrameDecoder(final int maxLength) {
    this(maxLength, FrameBudget.UNLIMITED);
  }

  /**
   * Creates a decoder whose half-read frames take their memory from {@code budget}.
   *
   * @param maxLength the largest payload accepted, in bytes
   * @param budget asked for each frame's declared length before its payload is buffered
   * @throws IllegalArgumentException if {@code maxLength} is not positive
   */
  public NetstringFrameDecoder(final int maxLength, final FrameBudget budget) {
    if (maxLength <= 0) {
      throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
    }
    this.maxLength = maxLength;
    this.reserved = new BudgetReservation(budget);
  }

  /**
   * Returns the largest payload this decoder accepts.
   *
   * @return the limit in bytes
   */
  public int maxLength() {
    return maxLength;
  }

  @Override
  protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
    for (; ; ) {
      switch (state) {
        case READ_LENGTH -> {
          if (!readLength(in)) {
            return;
          }
        }
        case READ_PAYLOAD -> {
          if (!readPayload(in, out)) {
            return;
          }
        }
        case DISCARDING -> {
          in.skipBytes(in.readableBytes());
          return;
        }
      }
    }
  }

  /**
   * Consumes length digits up to the colon.
   *
   * @return {@code true} once the colon was consumed, {@code false} if more input is needed
   */
  private boolean readLength(final ByteBuf in) {
    while (in.isReadable()) {
      final byte b = in.readByte();
      if (b == ':') {
        if (lengthDigits == 0) {
          throw fail(in, new NetstringFormatException("netstring length is empty"));
        }
        // A frame small enough to be complete in what is buffered already costs nothing extra.
        if (in.readableBytes() <= length) {
          if (!reserved.tryAdd(length)) {
            throw fail(
                in,
                new NetstringOverBudgetException(
                    "no buffer budget left for a " + length + "-byte netstring"));
          }
        }
        state = State.READ_PAYLOAD;
        return true;
      }
      if (b < '0' || b > '9') {
        throw fail(
            in,
            new NetstringFormatException(
                "unexpected byte "
                    + describe(b)
                    + " in netstring length, expected a digit or ':'"));
      }
      if (lengthDigits == 1 && length == 0) {
        throw fail(in, new NetstringFormatException("netstring length has a leading zero"));
      }
      // length <= maxLength <= Integer.MAX_VALUE, so the long cannot overflow.
      final long next = length * 10L + (b - '0');
      if (next > maxLength) {
        throw fail(
            in,
            new NetstringTooLongException(
                "netstring length "
                    + next
                    + (lengthDigits == 0 ? "" : " (or more)")
                    + " exceeds the limit of "
                    + maxLength
                    + " bytes"));
      }
      length = (int) next;
      lengthDigits++;
    }
    return false;
  }

  /**
   * Emits the payload once it and the trailing comma are buffered.
   *
   * @return {@code true} if a payload was emitted, {@code false} if more input is needed
   */
  private boolean readPayload(final ByteBuf in, final List<Object> out) {
    // <length>: <here> {payload} ,
    if (in.readableBytes() <= length) {
      return false;
    }
    final byte terminator = in.getByte(in.readerIndex() + length);
    if (terminator != ',') {
      throw fail(
          in,
          new NetstringFormatException(
              "expected ',' after a "
                  + length
                  + "-byte netstring payload, got "
                  + describe(terminator)));
    }
    // Retain only after validation, so that a failure cannot leak the slice.
    out.add(in.readRetainedSlice(length));
    in.skipBytes(1);
    reserved.releaseAll();
    state = State.READ_LENGTH;
    length = 0;
    lengthDigits = 0;
    return true;
  }

  /**
   * Called when the input closes. Complete netstrings are still emitted; a partial one is reported
   * once, so that the server can tell a client that hung up mid-request from a normal close.
   */
  @Override
  protected void decodeLast(
      final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) throws Exception {
    super.decodeLast(ctx, in, out);
    final String progress =
        switch (state) {
          case READ_LENGTH ->
              lengthDigits == 0 ? null : "after " + lengthDigits + " length digit(s)";
          case READ_PAYLOAD ->
              in.readableBytes() < length
                  ? "got " + in.readableBytes() + " of " + length + " payload bytes"
                  : "missing ',' after a " + length + "-byte payload";
          case DISCARDING -> null; // already reported
        };
    if (progress != null) {
      throw fail(
          in,
          new NetstringFormatException(
              "connection closed in the middle of a netstring: " + progress));
    }
  }

  @Override
  protected void handlerRemoved0(final ChannelHandlerContext ctx) {
    reserved.releaseAll();
  }

  /** Enters the discarding state and drops what is buffered; returns {@code e} for throwing. */
  private DecoderException fail(final ByteBuf in, final DecoderException e) {
    reserved.releaseAll();
    state = State.DISCARDING;
    in.skipBytes(in.readableBytes());
    return e;
  }

  private static String describe(final byte b) {
    final int u = b & 0xff;
    final String hex = String.format("0x%02x", u);
    return u >= 0x21 && u <= 0x7e ? "'" + (char) u + "' (" + hex + ")" : hex;
  }
}
