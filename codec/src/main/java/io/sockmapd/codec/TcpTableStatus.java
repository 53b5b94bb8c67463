package io.sockmapd.codec;

/**
 * The status code that starts every tcp_table reply. Postfix's client ({@code dict_tcp.c}) looks
 * only at the first digit.
 */
public enum TcpTableStatus {
  /** {@code 200}: found; the text is the value. The connection is kept. */
  FOUND("200"),
  /** {@code 500}: not found; the text is ignored. The connection is kept. */
  NOT_FOUND("500"),
  /**
   * {@code 400}: a temporary error, the only error tcp_table has: every failed lookup (temporary,
   * timed out or permanent) is reported with it. Postfix disconnects and reports a soft error.
   */
  TEMP_ERROR("400");

  private final String code;

  TcpTableStatus(final String code) {
    this.code = code;
  }

  /**
   * Returns the three-digit code as written on the wire.
   *
   * @return {@code "200"}, {@code "500"} or {@code "400"}
   */
  public String code() {
    return code;
  }
}
