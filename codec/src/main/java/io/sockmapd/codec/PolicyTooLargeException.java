package io.sockmapd.codec;

import io.netty.handler.codec.TooLongFrameException;

/**
 * An SMTPD policy attribute list has more attributes, or more bytes, than the decoder accepts. It
 * is raised as soon as the limit is reached, before the rest is read.
 */
public final class PolicyTooLargeException extends TooLongFrameException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was wrong, for the log
   */
  public PolicyTooLargeException(final String message) {
    super(message);
  }
}
