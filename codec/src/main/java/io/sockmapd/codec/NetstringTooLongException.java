package io.sockmapd.codec;

import io.netty.handler.codec.TooLongFrameException;

/**
 * Thrown by {@link NetstringFrameDecoder} when a netstring declares a length above the limit. It is
 * thrown as soon as the length digits exceed the limit, before any payload is buffered.
 */
public final class NetstringTooLongException extends TooLongFrameException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was wrong, for the log
   */
  public NetstringTooLongException(final String message) {
    super(message);
  }
}
