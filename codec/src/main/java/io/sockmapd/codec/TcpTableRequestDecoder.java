package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;

/**
 * Server side of Postfix's tcp_table protocol ({@code tcp:host:port}, {@code dict_tcp.c}): turns
 * each line {@code get <quoted key>\n} into a {@link TcpTableRequest}. Persistent connections and
 * pipelined requests need nothing special: each line is one request, answered in order.
 *
 * <p>The key is everything after {@code "get "} up to the newline, unquoted exactly like Postfix's
 * {@code hex_unquote} (see {@link HexQuote}): {@code %XX} in any case, every other byte literal.
 * The Postfix client quotes every space, control character, {@code %} and non-ASCII byte, so a
 * well-behaved key is printable ASCII on the wire; a literal space or a {@code '\r'} before the
 * newline (as {@code telnet} sends) is kept in the key, as Postfix's own unquoting would keep it.
 *
 * <p>What cannot be looked up is passed on as a request with a failed {@link
 * TcpTableRequest#decoderResult()}, in order, for the server to answer {@code 400} (Postfix then
 * reports a temporary error and reconnects for its next lookup; it has no other error reply). The
 * connection stays usable, since the next line starts after the newline:
 *
 * <ul>
 *   <li>any command other than {@code get} (the protocol documents {@code put} but Postfix never
 *       implemented it), or {@code get} without a space;
 *   <li>a {@code %} not followed by two hex digits ({@link TcpTableFormatException});
 *   <li>a key containing NUL, literal or as {@code %00}: Postfix keys are C strings and cannot hold
 *       one ({@link TcpTableFormatException});
 *   <li>a line over the limit ({@link LineTooLongException}), reported as soon as the limit is
 *       reached; the rest of the line is skipped without being buffered.
 * </ul>
 *
 * <p>A key that is not valid UTF-8 (Postfix with {@code smtputf8_enable = no} sends raw 8-bit
 * bytes) is decoded with U+FFFD and flagged by {@link TcpTableRequest#keyValidUtf8()}. A connection
 * closed in the middle of a line raises one {@link TcpTableFormatException}; a close between lines
 * is silent.
 *
 * <p>Not sharable: each channel needs its own instance.
 */
public final class TcpTableRequestDecoder extends BoundedLineDecoder {

  /**
   * Default limit of a request line, in bytes including the newline. Postfix puts no limit on the
   * requests it sends, only on the replies it reads (4096 bytes); requests get the same bound. A
   * longer request is answered {@code 400}, which Postfix treats as a temporary error.
   */
  public static final int DEFAULT_MAX_REQUEST_LENGTH = 4096;

  /** How much of an unknown command goes into the failure message. */
  private static final int MAX_COMMAND_IN_MESSAGE = 16;

  private static final byte[] GET = "get ".getBytes(ISO_8859_1);

  private final StrictUtf8 strictUtf8 = new StrictUtf8();

  /** Creates a decoder with the default limit, {@value #DEFAULT_MAX_REQUEST_LENGTH} bytes. */
  public TcpTableRequestDecoder() {
    this(DEFAULT_MAX_REQUEST_LENGTH);
  }

  /**
   * Creates a decoder.
   *
   * @param maxRequestLength the longest request line accepted, in bytes including the newline
   * @throws IllegalArgumentException if {@code maxRequestLength} is below 2
   */
  public TcpTableRequestDecoder(final int maxRequestLength) {
    this(maxRequestLength, FrameBudget.UNLIMITED);
  }

  /**
   * Creates a decoder whose unfinished lines take their memory from {@code budget}.
   *
   * @param maxRequestLength the longest request line accepted, in bytes including the newline
   * @param budget asked for the bytes of an unfinished line before they are kept across reads
   * @throws IllegalArgumentException if {@code maxRequestLength} is below 2
   */
  public TcpTableRequestDecoder(final int maxRequestLength, final FrameBudget budget) {
    super(maxRequestLength, budget);
  }

  @Override
  void decodeLine(final ChannelHandlerContext ctx, final ByteBuf line, final List<Object> out) {
    out.add(parse(line));
  }

  private TcpTableRequest parse(final ByteBuf line) {
    if (!startsWithGet(line)) {
      return TcpTableRequest.malformed(
          new TcpTableFormatException(
              "unsupported request \"" + command(line) + "\": only \"get <key>\" is served"));
    }
    final byte[] raw;
    try {
      raw =
          HexQuote.unquote(
              line, line.readerIndex() + GET.length, line.readableBytes() - GET.length);
    } catch (IllegalArgumentException e) {
      return TcpTableRequest.malformed(new TcpTableFormatException("key has a " + e.getMessage()));
    }
    for (final byte b : raw) {
      if (b == 0) {
        return TcpTableRequest.malformed(new TcpTableFormatException("key contains a NUL byte"));
      }
    }
    final String strict = strictUtf8.decodeOrNull(raw);
    return strict != null
        ? TcpTableRequest.of(strict, true)
        : TcpTableRequest.of(new String(raw, UTF_8), false);
  }

  private static boolean startsWithGet(final ByteBuf line) {
    if (line.readableBytes() < GET.length) {
      return false;
    }
    for (int i = 0; i < GET.length; i++) {
      if (line.getByte(line.readerIndex() + i) != GET[i]) {
        return false;
      }
    }
    return true;
  }

  /** The first word of {@code line}, abbreviated and made printable, for the log. */
  private static String command(final ByteBuf line) {
    int length = line.bytesBefore((byte) ' ');
    if (length < 0) {
      length = line.readableBytes();
    }
    final boolean cut = length > MAX_COMMAND_IN_MESSAGE;
    final byte[] word = new byte[Math.min(length, MAX_COMMAND_IN_MESSAGE)];
    line.getBytes(line.readerIndex(), word);
    return HexQuote.quote(word) + (cut ? "..." : "");
  }

  @Override
  void lineTooLong(final ChannelHandlerContext ctx, final int limit, final List<Object> out) {
    out.add(TcpTableRequest.malformed(tooLong(limit)));
  }

  @Override
  void endOfInput(final int partialLineBytes) {
    if (partialLineBytes > 0) {
      throw new TcpTableFormatException(
          "connection closed in the middle of a request: "
              + partialLineBytes
              + " bytes without a newline");
    }
  }
}
