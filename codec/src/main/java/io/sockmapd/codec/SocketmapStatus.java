package io.sockmapd.codec;

/**
 * The status word that starts every socketmap reply.
 *
 * <p>Both Postfix ({@code dict_sockmap.c}) and Sendmail ({@code map.c}) compare the word with
 * {@code strcmp}, so it is case-sensitive: {@code ok value} is an unknown status to them.
 */
public enum SocketmapStatus {
  /** Found; the text is the value. */
  OK("OK"),
  /** Not found; the text is ignored and {@code NOTFOUND } is written. */
  NOTFOUND("NOTFOUND"),
  /** Temporary failure; Postfix defers (4xx), Sendmail returns EX_TEMPFAIL. */
  TEMP("TEMP"),
  /** Timeout; both clients treat it like {@link #TEMP}. */
  TIMEOUT("TIMEOUT"),
  /**
   * Permanent failure. Postfix treats it as a configuration error and still defers (4xx, not 5xx);
   * Sendmail treats it like "not found" in rulesets.
   */
  PERM("PERM");

  private final String word;

  SocketmapStatus(final String word) {
    this.word = word;
  }

  /**
   * Returns the status word exactly as it appears on the wire.
   *
   * @return the ASCII status word, e.g. {@code "NOTFOUND"}
   */
  public String word() {
    return word;
  }

  /**
   * Returns the status with this exact (case-sensitive) wire word, or {@code null} if there is
   * none.
   */
  static SocketmapStatus forWord(final String word) {
    for (final SocketmapStatus status : values()) {
      if (status.word.equals(word)) {
        return status;
      }
    }
    return null;
  }
}
