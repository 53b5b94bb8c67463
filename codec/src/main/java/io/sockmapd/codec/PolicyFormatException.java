package io.sockmapd.codec;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * An SMTPD policy request (or reply) that is not a well-formed attribute list: a line without
 * {@code =}, an empty attribute name, a NUL byte, a reply without a valid {@code action}, or a
 * connection closed in the middle of a list. The stream cannot be trusted afterwards.
 */
public final class PolicyFormatException extends CorruptedFrameException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was wrong, for the log
   */
  public PolicyFormatException(final String message) {
    super(message);
  }
}
