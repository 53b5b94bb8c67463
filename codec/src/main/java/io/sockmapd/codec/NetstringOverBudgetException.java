package io.sockmapd.codec;

import io.netty.handler.codec.DecoderException;

/**
 * Thrown by {@link NetstringFrameDecoder} when its {@link FrameBudget} refuses the memory for a
 * netstring's declared length. It is thrown after the length prefix, before any payload is
 * buffered.
 */
public final class NetstringOverBudgetException extends DecoderException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was refused, for the log
   */
  public NetstringOverBudgetException(final String message) {
    super(message);
  }
}
