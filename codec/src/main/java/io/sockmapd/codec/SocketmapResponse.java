package io.sockmapd.codec;

import static java.util.Objects.requireNonNull;

/**
 * One socketmap reply: a status and a text (the value for {@link SocketmapStatus#OK}, the reason
 * for {@link SocketmapStatus#TEMP}, {@link SocketmapStatus#TIMEOUT} and {@link
 * SocketmapStatus#PERM}, ignored for {@link SocketmapStatus#NOTFOUND}).
 *
 * <p>The status comes from the outcome of the lookup, never from the data: database content only
 * ever ends up in {@link #text()}. How a response is put on the wire (for example {@code OK} with
 * an empty value) is decided by {@link SocketmapResponseEncoder}.
 *
 * @param status the reply status, never {@code null}
 * @param text the value or reason, never {@code null} (may be empty)
 */
public record SocketmapResponse(SocketmapStatus status, String text) {

  private static final SocketmapResponse NOT_FOUND =
      new SocketmapResponse(SocketmapStatus.NOTFOUND, "");

  /**
   * Creates a response.
   *
   * @throws NullPointerException if {@code status} or {@code text} is {@code null}
   */
  public SocketmapResponse {
    requireNonNull(status, "status");
    requireNonNull(text, "text");
  }

  /**
   * A successful lookup. An empty value is written as {@code NOTFOUND } by the encoder, because
   * Postfix treats {@code OK } with empty data as a configuration error.
   *
   * @param value the value, written verbatim
   * @return an {@link SocketmapStatus#OK} response
   */
  public static SocketmapResponse ok(final String value) {
    return new SocketmapResponse(SocketmapStatus.OK, value);
  }

  /**
   * A lookup that found nothing.
   *
   * @return a {@link SocketmapStatus#NOTFOUND} response with an empty text
   */
  public static SocketmapResponse notFound() {
    return NOT_FOUND;
  }

  /**
   * A temporary failure, for example the database is unreachable.
   *
   * @param reason a short reason that the client logs; keep secrets and SQL out of it
   * @return a {@link SocketmapStatus#TEMP} response
   */
  public static SocketmapResponse temp(final String reason) {
    return new SocketmapResponse(SocketmapStatus.TEMP, reason);
  }

  /**
   * A lookup that timed out.
   *
   * @param reason a short reason that the client logs
   * @return a {@link SocketmapStatus#TIMEOUT} response
   */
  public static SocketmapResponse timeout(final String reason) {
    return new SocketmapResponse(SocketmapStatus.TIMEOUT, reason);
  }

  /**
   * A permanent failure, for example an unknown map or a malformed request.
   *
   * @param reason a short reason that the client logs
   * @return a {@link SocketmapStatus#PERM} response
   */
  public static SocketmapResponse perm(final String reason) {
    return new SocketmapResponse(SocketmapStatus.PERM, reason);
  }
}
