package io.sockmapd.codec;

import io.netty.handler.codec.DecoderException;

/**
 * Thrown by the line-based decoders (tcp_table, policy delegation) when their {@link FrameBudget}
 * refuses the memory for bytes they would hold across reads: an unfinished line, or the attributes
 * of an unfinished policy request.
 */
public final class LineOverBudgetException extends DecoderException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was refused, for the log
   */
  public LineOverBudgetException(final String message) {
    super(message);
  }
}
