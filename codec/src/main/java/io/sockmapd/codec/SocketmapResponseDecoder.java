package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Client side: turns a netstring payload (from {@link NetstringFrameDecoder}) into a {@link
 * SocketmapResponse}.
 *
 * <p>Like the real clients, it splits at the first space and takes everything after it verbatim as
 * the text; {@code NOTFOUND}, {@code TEMP}, {@code TIMEOUT} and {@code PERM} are accepted with or
 * without a space. It is stricter than the clients about what a server must never send: an unknown
 * or wrongly cased status word, and a bare {@code OK} without a space (which crashes Sendmail),
 * throw a {@link CorruptedFrameException}. Values are decoded as UTF-8 with replacement.
 */
public final class SocketmapResponseDecoder extends MessageToMessageDecoder<ByteBuf> {

  /** How much of an unknown status word goes into the exception message. */
  private static final int MAX_WORD_IN_MESSAGE = 32;

  /** Creates a decoder. */
  public SocketmapResponseDecoder() {
    super(ByteBuf.class);
  }

  @Override
  protected void decode(
      final ChannelHandlerContext ctx, final ByteBuf msg, final List<Object> out) {
    final int wordLength = msg.bytesBefore((byte) ' ');
    final String word;
    final String text;
    if (wordLength < 0) {
      word = msg.toString(UTF_8);
      text = "";
    } else {
      word = msg.toString(msg.readerIndex(), wordLength, UTF_8);
      final int textIndex = msg.readerIndex() + wordLength + 1;
      text = msg.toString(textIndex, msg.writerIndex() - textIndex, UTF_8);
    }
    final SocketmapStatus status = SocketmapStatus.forWord(word);
    if (status == null) {
      throw new CorruptedFrameException(
          "unknown socketmap status word: \"" + abbreviate(word) + '"');
    }
    if (status == SocketmapStatus.OK && wordLength < 0) {
      throw new CorruptedFrameException("bare OK without a space in socketmap reply");
    }
    out.add(new SocketmapResponse(status, text));
  }

  private static String abbreviate(final String word) {
    return word.length() <= MAX_WORD_IN_MESSAGE
        ? word
        : word.substring(0, MAX_WORD_IN_MESSAGE) + "...";
  }
}
