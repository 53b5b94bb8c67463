package io.sockmapd.sql.cluster;

import io.sockmapd.config.TlsMode;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.DatabaseException;
import java.security.cert.CertificateException;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Recognises a connection that failed because of TLS: the server's certificate is not trusted or
 * does not name the host, the handshake failed, or the server speaks no TLS at all. That is a
 * configuration problem (certificate, {@code tls_mode}, {@code tls_ca_file}), not an outage, so the
 * operator is told at ERROR, naming TLS, once, and the node is probed at {@code retry_interval}
 * rather than every second.
 */
final class TlsFailure {
  /** MySQL/MariaDB "Bad handshake": a server without TLS answering the client's TLS request. */
  private static final int MYSQL_BAD_HANDSHAKE = 1043;

  /**
   * PostgreSQL's TLS upgrade failing, as Vert.x's {@code InitiateSslHandler} reports it: with a
   * plain exception carrying one of these messages and nothing else to tell it by. The server has
   * {@code ssl = off} (it answered the TLS request with "N"), answered with garbage, or closed the
   * connection during the handshake (the certificate was refused: the {@link SSLException} itself
   * reaches only the first of the connection's waiters).
   */
  private static final Set<String> PG_TLS_MESSAGES =
      Set.of(
          "Postgres Server does not handle SSL connection",
          "Invalid SSL connection message",
          "SSL handshake failed");

  private TlsFailure() {}

  /**
   * What went wrong with TLS, in one line, or null if {@code failure} is no TLS failure.
   *
   * @param mode the database's {@code tls_mode}: with TLS off, nothing is a TLS failure
   */
  static @Nullable String describe(Throwable failure, TlsMode mode) {
    if (mode == TlsMode.DISABLE) {
      return null;
    }
    Throwable tls = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException || t instanceof CertificateException) {
        tls = t; // the deepest one says most: "PKIX path building failed", "No subject ..."
      }
    }
    if (tls != null) {
      return oneLine(deepestMessage(tls));
    }
    if (failure instanceof MySQLException my && my.getErrorCode() == MYSQL_BAD_HANDSHAKE) {
      // Vert.x sends its TLS request without asking the server whether it has TLS.
      return "the server refused the TLS request (MySQL error "
          + MYSQL_BAD_HANDSHAKE
          + " Bad handshake): does it have TLS?";
    }
    String message = failure.getMessage();
    if (message != null
        && !(failure instanceof DatabaseException)
        && PG_TLS_MESSAGES.contains(message)) {
      return oneLine(message);
    }
    return null;
  }

  private static String deepestMessage(Throwable t) {
    String message = t.getMessage();
    for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        message = c.getMessage();
      }
    }
    return message == null ? t.getClass().getSimpleName() : message;
  }

  private static String oneLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
