package io.sockmapd.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;

/**
 * The framing shared by the line-based protocols (tcp_table, policy delegation): splits the input
 * at {@code '\n'} and hands each line, without its newline, to {@link #decodeLine}. In the spirit
 * of Netty's {@code LineBasedFrameDecoder}, but the limit is checked before a line is kept:
 *
 * <ul>
 *   <li>A line may be at most {@link #lineLimit()} bytes <em>including</em> its newline. As soon as
 *       that many bytes have arrived without a newline, {@link #lineTooLong} is called, without
 *       waiting for the rest; the rest of the line is then skipped, never buffered.
 *   <li>The bytes of an unfinished line that the decoder holds across reads are reserved from the
 *       {@link FrameBudget} first; a refusal fails the stream.
 *   <li>Only {@code '\n'} ends a line. A {@code '\r'} before it is part of the line: the Postfix
 *       clients never send one (they quote it as {@code %0D}), and neither protocol strips it.
 * </ul>
 *
 * <p>A {@link DecoderException} thrown by a hook is passed on once, and the decoder then discards
 * all input for the life of the channel: the caller is expected to close the connection.
 */
abstract class BoundedLineDecoder extends ByteToMessageDecoder {

  private enum State {
    /** Looking for the end of the current line. */
    READ_LINE,
    /** Dropping the rest of a line that went over the limit, up to its newline. */
    SKIP_LINE,
    /** After an error: drop everything until the channel closes. */
    DISCARDING
  }

  private final int maxLineLength;

  /** What the unfinished line held in the cumulation has of the budget. */
  private final BudgetReservation reserved;

  private State state = State.READ_LINE;

  /**
   * Creates a decoder.
   *
   * @param maxLineLength the longest line accepted, in bytes including the newline
   * @param budget asked for the bytes of an unfinished line before they are kept across reads
   * @throws IllegalArgumentException if {@code maxLineLength} is below 2
   */
  BoundedLineDecoder(final int maxLineLength, final FrameBudget budget) {
    if (maxLineLength < 2) {
      throw new IllegalArgumentException("maxLineLength must be at least 2, got " + maxLineLength);
    }
    this.maxLineLength = maxLineLength;
    this.reserved = new BudgetReservation(budget);
  }

  /**
   * Returns the longest line this decoder accepts.
   *
   * @return the limit in bytes, including the newline
   */
  public final int maxLineLength() {
    return maxLineLength;
  }

  /**
   * Returns the limit for the next line: {@link #maxLineLength()} unless a subclass has a smaller
   * allowance left, such as the rest of a request's total size.
   */
  int lineLimit() {
    return maxLineLength;
  }

  /**
   * Decodes one line. {@code line} is valid only during the call and must not be retained.
   *
   * @throws DecoderException to fail the stream
   */
  abstract void decodeLine(ChannelHandlerContext ctx, ByteBuf line, List<Object> out);

  /**
   * Called once {@code limit} bytes have arrived without a newline. By default the stream fails; a
   * subclass that can answer the line in order adds a message to {@code out} instead, and the rest
   * of the line is skipped.
   *
   * @param limit the limit that was reached, including the newline
   * @throws DecoderException to fail the stream
   */
  void lineTooLong(final ChannelHandlerContext ctx, final int limit, final List<Object> out) {
    throw tooLong(limit);
  }

  /**
   * Called once when the input ends while the decoder is not failed.
   *
   * @param partialLineBytes bytes of a line that has no newline, 0 if the input ended between lines
   * @throws DecoderException if the input ended where it must not
   */
  abstract void endOfInput(int partialLineBytes);

  /**
   * Called once when the stream fails, before the exception is passed on, so that a subclass can
   * give back what it holds.
   */
  void failed() {}

  /** Returns the exception for a line over {@code limit} bytes. */
  static LineTooLongException tooLong(final int limit) {
    return new LineTooLongException("line longer than " + limit + " bytes (including the newline)");
  }

  @Override
  protected final void decode(
      final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
    try {
      decodeLines(ctx, in, out);
    } catch (DecoderException e) {
      throw fail(in, e);
    }
  }

  private void decodeLines(
      final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
    for (; ; ) {
      switch (state) {
        case DISCARDING -> {
          in.skipBytes(in.readableBytes());
          return;
        }
        case SKIP_LINE -> {
          final int newline = in.bytesBefore((byte) '\n');
          if (newline < 0) {
            in.skipBytes(in.readableBytes());
            return;
          }
          in.skipBytes(newline + 1);
          state = State.READ_LINE;
        }
        case READ_LINE -> {
          final int limit = lineLimit();
          final int window = Math.min(in.readableBytes(), limit);
          final int newline = in.bytesBefore(in.readerIndex(), window, (byte) '\n');
          if (newline >= 0) {
            reserved.releaseAll();
            final int start = in.readerIndex();
            in.skipBytes(newline + 1);
            decodeLine(ctx, in.slice(start, newline), out);
          } else if (window == limit) {
            reserved.releaseAll();
            in.skipBytes(limit);
            state = State.SKIP_LINE;
            lineTooLong(ctx, limit, out);
          } else {
            if (!reserved.tryGrowTo(in.readableBytes())) {
              throw new LineOverBudgetException(
                  "no buffer budget left for an unfinished line of "
                      + in.readableBytes()
                      + " bytes");
            }
            return;
          }
        }
      }
    }
  }

  @Override
  protected final void decodeLast(
      final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) throws Exception {
    super.decodeLast(ctx, in, out);
    if (state == State.READ_LINE) {
      try {
        endOfInput(in.readableBytes());
      } catch (DecoderException e) {
        throw fail(in, e);
      }
    }
  }

  /** Enters the discarding state and drops what is buffered; returns {@code e} for throwing. */
  private DecoderException fail(final ByteBuf in, final DecoderException e) {
    state = State.DISCARDING;
    in.skipBytes(in.readableBytes());
    reserved.releaseAll();
    failed();
    return e;
  }

  @Override
  protected void handlerRemoved0(final ChannelHandlerContext ctx) {
    reserved.releaseAll();
  }
}
