package io.sockmapd.testing;

import io.sockmapd.config.DatabaseType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The TLS database servers that {@code .ci/tls-databases.sh} sets up next to the main test servers:
 * their URIs ({@code SOCKMAPD_TEST_PG_TLS_URI}, {@code SOCKMAPD_TEST_MYSQL_TLS_URI}) and the folder
 * with the test CA ({@code ca.pem}) and a CA that signed nothing ({@code other-ca.pem}) ({@code
 * SOCKMAPD_TEST_TLS_DIR}). The server certificate names {@code localhost} only. Without the
 * variables a test is skipped, except under {@code CI=true}, where it fails (as {@link
 * DatabaseExtension} does).
 */
public final class TlsServers {
  private TlsServers() {}

  /** A database server as the tests reach it: where, and the login. */
  public record Server(String host, int port, String database, String user, String password) {
    static Server of(String uri) {
      URI parsed = URI.create(uri);
      String[] login = parsed.getUserInfo().split(":", 2);
      return new Server(
          parsed.getHost(),
          parsed.getPort(),
          parsed.getPath().substring(1),
          login[0],
          login.length > 1 ? login[1] : "");
    }

    /** The same server under another host name (e.g. an address its certificate lacks). */
    public Server at(String otherHost) {
      return new Server(otherHost, port, database, user, password);
    }
  }

  /** The TLS-only server of {@code type}. */
  public static Server tls(DatabaseType type) {
    return Server.of(
        required(
            type == DatabaseType.POSTGRESQL
                ? "SOCKMAPD_TEST_PG_TLS_URI"
                : "SOCKMAPD_TEST_MYSQL_TLS_URI"));
  }

  /**
   * A server of {@code type} that speaks no TLS: {@code SOCKMAPD_TEST_PG_PLAIN_URI} (the script
   * sets it: the main cluster, or one of its own when Debian turned TLS on there), else the main
   * test server.
   */
  public static Server plain(DatabaseType type) {
    String pgPlain = System.getenv("SOCKMAPD_TEST_PG_PLAIN_URI");
    if (type == DatabaseType.POSTGRESQL && pgPlain != null && !pgPlain.isBlank()) {
      return Server.of(pgPlain);
    }
    return Server.of(
        required(
            type == DatabaseType.POSTGRESQL
                ? DatabaseExtension.PG_URI
                : DatabaseExtension.MYSQL_URI));
  }

  /** The CA that signed the TLS servers' certificate. */
  public static Path ca() {
    return existing(Path.of(required("SOCKMAPD_TEST_TLS_DIR"), "ca.pem"));
  }

  /** A CA that signed nothing the servers use. */
  public static Path otherCa() {
    return existing(Path.of(required("SOCKMAPD_TEST_TLS_DIR"), "other-ca.pem"));
  }

  private static Path existing(Path file) {
    if (!Files.isReadable(file)) {
      missing(file + " is not readable (run .ci/tls-databases.sh)");
    }
    return file;
  }

  private static String required(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      missing(variable + " is not set (run .ci/tls-databases.sh)");
    }
    return value;
  }

  private static void missing(String message) {
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(message + " (CI=true: a missing TLS server is a failure)");
    }
    Assumptions.abort(message);
  }
}
