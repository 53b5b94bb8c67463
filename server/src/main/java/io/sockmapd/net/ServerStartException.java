package io.sockmapd.net;

/** A listener could not be opened; the message names the endpoint and says why, in one line. */
public final class ServerStartException extends Exception {
  private static final long serialVersionUID = 1L;

  public ServerStartException(String message) {
    super(message);
  }

  public ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
