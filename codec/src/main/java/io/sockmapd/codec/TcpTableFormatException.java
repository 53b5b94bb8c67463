package io.sockmapd.codec;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A tcp_table line that is not a well-formed request or reply: an unknown command, a malformed
 * {@code %XX} escape, a NUL byte, a bad status code, or a connection closed in the middle of a
 * line.
 */
public final class TcpTableFormatException extends CorruptedFrameException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was wrong, for the log
   */
  public TcpTableFormatException(final String message) {
    super(message);
  }
}
