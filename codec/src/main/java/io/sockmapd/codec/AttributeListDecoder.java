package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Postfix's plain attribute lists ({@code attr_scan_plain.c}), the framing of the SMTPD
 * policy protocol in both directions: lines {@code name=value\n}, ended by an empty line.
 *
 * <ul>
 *   <li>A line is split at its first {@code =}; the value may contain more. A line without {@code
 *       =}, an empty name, or a NUL byte (Postfix sends C strings) fails the stream with a {@link
 *       PolicyFormatException}.
 *   <li>When a name comes more than once the <em>first</em> value wins, as in Postfix's own reader
 *       of attribute tables; every line still counts towards the limits.
 *   <li>Limits, each checked before the bytes concerned are kept: the length of one line, the
 *       number of attribute lines, and the length of the whole list (every line and newline,
 *       including the empty line at the end). The list limit also bounds the line being read, so a
 *       list cannot grow past it one unfinished line at a time. Going over fails the stream with a
 *       {@link LineTooLongException} or {@link PolicyTooLargeException}.
 *   <li>The bytes of the attributes held for an unfinished list are reserved from the {@link
 *       FrameBudget} before they are kept, and given back when the list is complete or fails.
 *   <li>Names and values are decoded as UTF-8; a value that is not valid UTF-8 is decoded with
 *       U+FFFD and its name recorded, so that the server can refuse to look it up.
 * </ul>
 *
 * <p>A connection closed in the middle of a list raises one {@link PolicyFormatException}; a close
 * between lists is silent.
 */
abstract class AttributeListDecoder extends BoundedLineDecoder {

  private final int maxAttributes;

  private final int maxListLength;

  private final StrictUtf8 strictUtf8 = new StrictUtf8();

  private Map<String, String> attributes = new LinkedHashMap<>();

  private Set<String> invalidUtf8 = new HashSet<>();

  /** Attribute lines of the current list, duplicates included. */
  private int lines;

  /** Bytes of the current list's attribute lines, newlines included. */
  private int listLength;

  /** What the current list's attributes hold of the budget. */
  private final BudgetReservation reserved;

  /**
   * Creates a decoder.
   *
   * @param maxLineLength the longest line, in bytes including the newline
   * @param maxAttributes the most attribute lines in one list
   * @param maxListLength the longest list, in bytes including every newline and the empty line
   * @param budget asked for the bytes of attributes and unfinished lines before they are kept
   * @throws IllegalArgumentException if a limit is too small
   */
  AttributeListDecoder(
      final int maxLineLength,
      final int maxAttributes,
      final int maxListLength,
      final FrameBudget budget) {
    super(maxLineLength, budget);
    if (maxAttributes < 1) {
      throw new IllegalArgumentException("maxAttributes must be positive, got " + maxAttributes);
    }
    if (maxListLength < 2) {
      throw new IllegalArgumentException("maxListLength must be at least 2, got " + maxListLength);
    }
    this.maxAttributes = maxAttributes;
    this.maxListLength = maxListLength;
    this.reserved = new BudgetReservation(budget);
  }

  /**
   * Called with each complete list.
   *
   * @param attributes the attributes in wire order, first value of each name; owned by the callee
   * @param invalidUtf8 the names whose value was not valid UTF-8; owned by the callee
   */
  abstract void decodeList(
      ChannelHandlerContext ctx,
      Map<String, String> attributes,
      Set<String> invalidUtf8,
      List<Object> out);

  /** What the list is called in messages: "request" or "reply". */
  abstract String listName();

  @Override
  final int lineLimit() {
    if (lines == maxAttributes) {
      // Only the empty line that ends the list may come now.
      return 1;
    }
    // listLength <= maxListLength - 1 always, so the empty line that ends the list still fits.
    return Math.min(maxLineLength(), maxListLength - listLength);
  }

  @Override
  final void lineTooLong(final ChannelHandlerContext ctx, final int limit, final List<Object> out) {
    if (lines == maxAttributes) {
      throw new PolicyTooLargeException(
          listName() + " has more than " + maxAttributes + " attributes");
    }
    if (limit < maxLineLength()) {
      throw tooLarge();
    }
    throw tooLong(limit);
  }

  @Override
  final void decodeLine(
      final ChannelHandlerContext ctx, final ByteBuf line, final List<Object> out) {
    if (!line.isReadable()) {
      final Map<String, String> list = attributes;
      final Set<String> invalid = invalidUtf8;
      reset();
      decodeList(ctx, list, invalid, out);
      return;
    }
    final int length = line.readableBytes() + 1;
    if (listLength + length > maxListLength - 1) {
      throw tooLarge();
    }
    final int nameLength = line.bytesBefore((byte) '=');
    if (nameLength < 0) {
      throw new PolicyFormatException(
          listName() + " attribute " + (lines + 1) + " has no '=' between name and value");
    }
    if (nameLength == 0) {
      throw new PolicyFormatException(
          listName() + " attribute " + (lines + 1) + " has an empty name");
    }
    if (line.bytesBefore((byte) 0) >= 0) {
      throw new PolicyFormatException(
          listName() + " attribute " + (lines + 1) + " contains a NUL byte");
    }
    if (!reserved.tryAdd(length)) {
      throw new LineOverBudgetException(
          "no buffer budget left for " + length + " more bytes of a policy " + listName());
    }
    listLength += length;
    lines++;
    final int start = line.readerIndex();
    final String name = line.toString(start, nameLength, UTF_8);
    if (attributes.containsKey(name)) {
      return;
    }
    final int valueIndex = start + nameLength + 1;
    final int valueLength = line.writerIndex() - valueIndex;
    final String strict = strictUtf8.decodeOrNull(line, valueIndex, valueLength);
    if (strict != null) {
      attributes.put(name, strict);
    } else {
      attributes.put(name, line.toString(valueIndex, valueLength, UTF_8));
      invalidUtf8.add(name);
    }
  }

  private PolicyTooLargeException tooLarge() {
    return new PolicyTooLargeException(
        listName() + " longer than " + maxListLength + " bytes (including the newlines)");
  }

  @Override
  final void endOfInput(final int partialLineBytes) {
    if (lines > 0 || partialLineBytes > 0) {
      throw new PolicyFormatException(
          "connection closed in the middle of a policy "
              + listName()
              + ": "
              + lines
              + " complete attribute(s)"
              + (partialLineBytes > 0
                  ? " and " + partialLineBytes + " bytes without a newline"
                  : "")
              + ", no empty line");
    }
  }

  @Override
  final void failed() {
    reset();
  }

  @Override
  protected final void handlerRemoved0(final ChannelHandlerContext ctx) {
    super.handlerRemoved0(ctx);
    reset();
  }

  private void reset() {
    reserved.releaseAll();
    attributes = new LinkedHashMap<>();
    invalidUtf8 = new HashSet<>();
    lines = 0;
    listLength = 0;
  }
}
