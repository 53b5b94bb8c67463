package io.sockmapd.config;

/** How a database connection uses TLS. Names follow libpq's {@code sslmode}. */
public enum TlsMode {
  /** Plain TCP. */
  DISABLE,
  /** Encrypt, but don't check the server certificate. */
  REQUIRE,
  /** Encrypt and check the certificate chain against {@code tls_ca_file}. */
  VERIFY_CA,
  /** As {@link #VERIFY_CA}, and check that the certificate names the host. */
  VERIFY_FULL
}
