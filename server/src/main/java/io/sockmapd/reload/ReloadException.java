package io.sockmapd.reload;

/** Why a reload was refused, in one line fit for the log and the {@code reload} command. */
final class ReloadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ReloadException(String reason) {
    super(reason, null, false, false);
  }
}
