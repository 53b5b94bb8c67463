package io.sockmapd.codec;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * Thrown by {@link NetstringFrameDecoder} when the input is not a well-formed netstring, or when
 * the connection closes in the middle of one. The stream cannot be resynchronised afterwards.
 */
public final class NetstringFormatException extends CorruptedFrameException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was wrong, for the log
   */
  public NetstringFormatException(final String message) {
    super(message);
  }
}
