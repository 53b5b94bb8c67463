package io.sockmapd.codec;

import static java.util.Objects.requireNonNull;

/**
 * One tcp_table reply: a status and a text (the value for {@link TcpTableStatus#FOUND}, a reason
 * otherwise). The text is written hex-quoted by {@link TcpTableResponseEncoder}, so it may hold
 * anything.
 *
 * @param status the reply status, never {@code null}
 * @param text the value or reason, never {@code null} (may be empty)
 */
public record TcpTableResponse(TcpTableStatus status, String text) {

  private static final TcpTableResponse NOT_FOUND =
      new TcpTableResponse(TcpTableStatus.NOT_FOUND, "not found");

  /**
   * Creates a response.
   *
   * @throws NullPointerException if an argument is {@code null}
   */
  public TcpTableResponse {
    requireNonNull(status, "status");
    requireNonNull(text, "text");
  }

  /**
   * A successful lookup. An empty value is written as not found by the encoder, because Postfix
   * treats an empty result as a configuration error.
   *
   * @param value the value
   * @return a {@link TcpTableStatus#FOUND} response
   */
  public static TcpTableResponse found(final String value) {
    return new TcpTableResponse(TcpTableStatus.FOUND, value);
  }

  /**
   * A lookup that found nothing.
   *
   * @return a {@link TcpTableStatus#NOT_FOUND} response with the text {@code not found}
   */
  public static TcpTableResponse notFound() {
    return NOT_FOUND;
  }

  /**
   * A failed lookup.
   *
   * @param reason a short reason; keep secrets and SQL out of it
   * @return a {@link TcpTableStatus#TEMP_ERROR} response
   */
  public static TcpTableResponse tempError(final String reason) {
    return new TcpTableResponse(TcpTableStatus.TEMP_ERROR, reason);
  }

  /**
   * Translates the outcome of a lookup, as the socketmap side reports it, into a tcp_table reply:
   * {@code OK} is found, {@code NOTFOUND} not found, and {@code TEMP}, {@code TIMEOUT} and {@code
   * PERM} are all {@code 400}, since tcp_table has no permanent error.
   *
   * @param response the socketmap response for the same lookup
   * @return the tcp_table response
   */
  public static TcpTableResponse of(final SocketmapResponse response) {
    return switch (response.status()) {
      case OK -> found(response.text());
      case NOTFOUND -> notFound();
      case TEMP, TIMEOUT, PERM -> tempError(response.text());
    };
  }
}
