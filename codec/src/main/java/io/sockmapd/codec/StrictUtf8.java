package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Decodes key bytes as UTF-8 and tells valid keys from invalid ones, for every decoder that hands a
 * key or attribute to the lookup chain. Postfix with SMTPUTF8 never sends invalid UTF-8, but
 * without it (and Sendmail) raw 8-bit bytes pass through; such a key is decoded with U+FFFD and
 * flagged, so that the server answers "not found" rather than look up a mangled key.
 *
 * <p>One instance per decoder (it holds a {@link CharsetDecoder}), used on one event loop.
 */
final class StrictUtf8 {

  /** Stops at the first byte that is not ASCII (as a signed byte, negative). */
  private static final ByteProcessor ASCII = value -> value >= 0;

  private final CharsetDecoder strict =
      UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /**
   * Returns {@code length} bytes of {@code buf} from {@code index} decoded as UTF-8, or {@code
   * null} if they are not valid UTF-8.
   */
  String decodeOrNull(final ByteBuf buf, final int index, final int length) {
    // Most keys (addresses, domains) are plain ASCII, which is valid UTF-8 as it stands: no
    // decoder and no char buffer needed.
    if (buf.forEachByte(index, length, ASCII) < 0) {
      return buf.toString(index, length, US_ASCII);
    }
    return decodeOrNull(buf.nioBuffer(index, length), length);
  }

  /** Returns {@code bytes} decoded as UTF-8, or {@code null} if they are not valid UTF-8. */
  String decodeOrNull(final byte[] bytes) {
    return decodeOrNull(ByteBuffer.wrap(bytes), bytes.length);
  }

  private String decodeOrNull(final ByteBuffer bytes, final int length) {
    // UTF-8 never yields more chars than bytes, so this buffer cannot overflow.
    final CharBuffer chars = CharBuffer.allocate(length);
    strict.reset();
    CoderResult result = strict.decode(bytes, chars, true);
    if (result.isUnderflow()) {
      result = strict.flush(chars);
    }
    if (!result.isUnderflow()) {
      return null;
    }
    return chars.flip().toString();
  }
}
