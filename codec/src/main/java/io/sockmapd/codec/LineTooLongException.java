package io.sockmapd.codec;

import io.netty.handler.codec.TooLongFrameException;

/**
 * A line of a line-based protocol (tcp_table, policy delegation) went over its limit. It is raised
 * as soon as the limit is reached without a newline, before the rest of the line arrives.
 */
public final class LineTooLongException extends TooLongFrameException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was wrong, for the log
   */
  public LineTooLongException(final String message) {
    super(message);
  }
}
