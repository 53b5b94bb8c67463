package io.sockmapd.sql.cluster;

import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Tells a failing node apart from a failing query. A node failure takes the node out of the
 * rotation and the same lookup is retried on another node; a query failure (syntax, unknown column,
 * constraint, cancelled statement) says nothing about the node and is returned as is, because every
 * node would answer it the same way.
 */
final class NodeFailures {

  /**
   * MySQL/MariaDB server error codes that mean the connection or the server is unusable: too many
   * connections, bad host, handshake, access denied, unknown database, shutdown in progress, host
   * blocked or not allowed, user connection limits, connection killed.
   */
  private static final Set<Integer> MYSQL_NODE_ERRORS =
      Set.of(1040, 1042, 1043, 1044, 1045, 1049, 1053, 1129, 1130, 1203, 1226, 1927);

  private NodeFailures() {}

  /**
   * Whether a failure while <em>acquiring</em> a connection means the node is unusable. Every
   * acquisition failure does (refused, reset, TLS or authentication handshake failure, TCP connect
   * timeout) except a full wait queue, which means the node is merely busy, and the pool's wait
   * limit ({@link #isAcquireTimeout}, checked first), which needs a probe to tell.
   */
  static boolean isNodeFailureOnAcquire(Throwable failure) {
    return !(failure instanceof ConnectionPoolTooBusyException);
  }

  /**
   * Whether an acquisition failed because the pool's own wait limit passed ({@code
   * connect_timeout}): no connection came in time, whether because the node hangs or because every
   * connection is busy. Vert.x words it "Timeout waiting for connection" (or just "Timeout"); a TCP
   * connect timeout reads "connection timed out" and is a node failure.
   */
  static boolean isAcquireTimeout(Throwable failure) {
    String message = failure.getMessage();
    return message != null && message.toLowerCase(Locale.ROOT).startsWith("timeout");
  }

  /**
   * Whether a failure of a query on an established connection means the connection or node is gone
   * rather than that the SQL was wrong.
   */
  static boolean isNodeFailureOnQuery(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException
          || t instanceof ClosedConnectionException
          || t instanceof SSLException) {
        return true;
      }
      if (t instanceof DatabaseException db) {
        return isNodeLevelDatabaseError(db);
      }
      if (mentionsLostConnection(t.getMessage())) {
        return true; // e.g. "Connection closed", "Pool closed": the client's own wording
      }
    }
    return false;
  }

  private static boolean isNodeLevelDatabaseError(DatabaseException db) {
    if (db instanceof MySQLException) {
      return MYSQL_NODE_ERRORS.contains(db.getErrorCode()) || "08S01".equals(db.getSqlState());
    }
    String state = db instanceof PgException pg ? pg.getSqlState() : db.getSqlState();
    return isPostgresNodeState(state);
  }

  /**
   * PostgreSQL SQLSTATEs of a connection or server problem: class 08 (connection exception), class
   * 28 (authorization), 3D000 (no such database), 53300 (too many connections), 57P01–57P03
   * (administrator or crash shutdown, cannot connect now).
   */
  private static boolean isPostgresNodeState(@Nullable String state) {
    if (state == null) {
      return false;
    }
    return state.startsWith("08")
        || state.startsWith("28")
        || state.equals("3D000")
        || state.equals("53300")
        || state.equals("57P01")
        || state.equals("57P02")
        || state.equals("57P03");
  }

  private static boolean mentionsLostConnection(@Nullable String message) {
    if (message == null) {
      return false;
    }
    String lower = message.toLowerCase(Locale.ROOT);
    return lower.contains("closed") || lower.contains("reset");
  }

  /** A short, single-line reason for logs and replies, without a stack trace. */
  static String describe(Throwable failure) {
    Throwable t = failure;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    String message = t.getMessage();
    String text = message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
