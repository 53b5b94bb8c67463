package io.sockmapd.sql;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.lookup.LookupResult;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one place that tells what a failure means: what the client is told, and whom the failure
 * concerns ({@link Scope}): the node (it goes out of the rotation and the lookup is tried on
 * another), the statement (every node would answer alike), or sockmapd's own side of the
 * connection.
 *
 * <p>It decides by what the drivers type: the SQLSTATE and the MySQL/MariaDB error number of a
 * {@link DatabaseException}, SQLite's result code, and the exception classes of the network and the
 * pool. The text of a message decides only where a driver gives no other signal, each such case
 * named below and matched in full, never by a word: a database error's message is partly written by
 * whoever wrote the query or a function it calls ({@code RAISE EXCEPTION 'connection closed'}), and
 * a driver upgrade may reword it.
 *
 * <p>Outages, overload and conflicts are {@code TEMP}; a passed deadline or a statement ended by
 * the database's time limit is {@code TIMEOUT}; an error in the configured query itself (syntax,
 * unknown table or column, no privilege) is {@code PERM}; anything not recognised is {@code TEMP}.
 * A failure is never "found" or "not found". Reasons are short, fixed texts plus at most an
 * SQLSTATE or error number: never SQL text, keys or passwords.
 */
public final class SqlErrorClassifier {

  /** Whom a failure concerns, which decides what the cluster does about it. */
  public enum Scope {
    /**
     * The node or the connection to it failed (refused, reset, closed, TLS, login, too many
     * connections, shutting down): the node goes out of the rotation and the lookup is retried on
     * another node.
     */
    NODE,
    /**
     * The statement failed on a working connection (syntax, unknown column, a value it cannot take,
     * a conflict, its time limit, an error raised by a function): every node would answer alike, so
     * it is not retried and no node is blamed.
     */
    QUERY,
    /**
     * sockmapd's own side: its deadline, its in-flight bound, its pool's wait limit or queue. No
     * verdict on any node.
     */
    CLIENT
  }

  /**
   * A classified failure.
   *
   * @param result what the client is told
   * @param scope whom the failure concerns
   * @param detail the database's own message for the log (may name tables and columns; never sent
   *     to the client)
   */
  public record Outcome(LookupResult result, Scope scope, String detail) {
    /** An error in the configured query: answered {@code PERM} and logged loudly, once. */
    public boolean queryError() {
      return scope == Scope.QUERY && result.status() == SocketmapStatus.PERM;
    }
  }

  /** What a MySQL/MariaDB error number means: the reply's reason, and its scope. */
  private record MysqlError(String reason, Scope scope) {}

  private static final String QUERY_ERROR = "query error";
  private static final String STATEMENT_TIMEOUT = "database statement timeout";

  /**
   * MySQL/MariaDB error numbers with a meaning of their own. Those not listed are judged by their
   * SQLSTATE, as PostgreSQL's errors are.
   */
  private static final Map<Integer, MysqlError> MYSQL_ERRORS = mysqlErrors();

  private static Map<Integer, MysqlError> mysqlErrors() {
    Map<Integer, MysqlError> errors = new HashMap<>();
    // The configured query: unknown column, syntax, unknown table, no privilege, ...
    add(errors, QUERY_ERROR, Scope.QUERY, 1054, 1064, 1146, 1149, 1142, 1143, 1052, 1305, 1109);
    add(errors, QUERY_ERROR, Scope.QUERY, 1222, 1248, 1060);
    // Lock wait timeout, deadlock: this statement lost; the next one may not.
    add(errors, "database conflict", Scope.QUERY, 1205, 1213);
    // The server's statement time limit (MySQL max_execution_time, MariaDB max_statement_time).
    add(errors, STATEMENT_TIMEOUT, Scope.QUERY, 3024, 1969);
    // Too many connections, per user or in all: this node cannot take us now.
    add(errors, "database overloaded", Scope.NODE, 1040, 1203, 1226);
    // Login: no access to the database, access denied, unknown database.
    add(errors, "database login failed", Scope.NODE, 1044, 1045, 1049);
    // Cannot get host name, bad handshake, host blocked or not allowed.
    add(errors, "database connection failed", Scope.NODE, 1042, 1043, 1129, 1130);
    // Shutdown in progress; the connection was killed (KILL CONNECTION).
    add(errors, "database shutting down", Scope.NODE, 1053);
    add(errors, "database connection closed", Scope.NODE, 1927);
    return Map.copyOf(errors);
  }

  private static void add(
      Map<Integer, MysqlError> errors, String reason, Scope scope, int... codes) {
    for (int code : codes) {
      errors.put(code, new MysqlError(reason, scope));
    }
  }

  /**
   * PostgreSQL SQLSTATEs outside class 08 and 28 that mean the node, not the statement: 3D000 (no
   * such database), 53300 (too many connections), 57P01–57P03 (administrator or crash shutdown,
   * cannot connect now).
   */
  private static final Set<String> NODE_STATES =
      Set.of("3D000", "53300", "57P01", "57P02", "57P03");

  /**
   * The pool's wait limit ({@code connect_timeout}) passed. Vert.x says so only in a message of a
   * plain {@link VertxException}: "Timeout" when a connection was asked for ({@code
   * Pool.getConnection}, which the cluster uses), "Timeout waiting for connection" when a statement
   * was sent to the pool itself ({@code Pool.preparedQuery}, which the single pool uses).
   */
  private static final Set<String> ACQUIRE_TIMEOUT_MESSAGES =
      Set.of("Timeout", "Timeout waiting for connection");

  /**
   * Vert.x's own connection failures that carry no type to tell them by, only a fixed message, each
   * matched in full: the pool or its network client is closed (its node's pool was retired, or
   * shutdown), the socket closed under a connection ({@code NetSocketInternal}), statements queued
   * on a connection that closed ({@code SocketConnectionBase}; those already sent fail with {@link
   * ClosedConnectionException}), and PostgreSQL's TLS upgrade failing ({@code InitiateSslHandler}:
   * the connection closed during the handshake, the server answered the TLS request with garbage,
   * or it has TLS off).
   */
  private static final Map<String, String> UNTYPED_CONNECTION_FAILURES =
      Map.of(
          "Pool closed", "database connection closed",
          "Client is closed", "database connection closed",
          "Connection was closed", "database connection closed",
          "Pending requests failed to be sent due to connection has been closed.",
              "database connection closed",
          "SSL handshake failed", "database TLS failed",
          "Invalid SSL connection message", "database TLS failed",
          "Postgres Server does not handle SSL connection", "database TLS failed");

  /**
   * A statement sent on a connection that closed meanwhile (the server reset it while it sat in the
   * pool): {@code SocketConnectionBase} says so in a plain {@link VertxException} with this text
   * and the connection's status (CLOSED, CLOSING) after it.
   */
  private static final String NOT_ACTIVE_PREFIX = "Connection is not active now, current status: ";

  private SqlErrorClassifier() {}

  /** Classifies a failure of a statement (including the wait for its connection). */
  public static Outcome classify(Throwable failure) {
    Throwable error = unwrap(failure);
    if (error instanceof LookupFailure known) {
      return new Outcome(known.result(), Scope.CLIENT, known.result().text());
    }
    DatabaseException database = find(error, DatabaseException.class);
    if (database instanceof MySQLException mysql) {
      return mysql(mysql.getErrorCode(), mysql.getSqlState(), String.valueOf(mysql.getMessage()));
    }
    if (database != null) {
      return sqlState(database.getSqlState(), String.valueOf(database.getMessage()));
    }
    SQLException jdbc = find(error, SQLException.class);
    if (jdbc != null) {
      return jdbc(error, jdbc);
    }
    return connection(error, String.valueOf(error.getMessage()));
  }

  /**
   * Classifies a failure to get a connection from a node's pool. Every such failure is the node's
   * (refused, reset, TLS or login failure, an error the server sent during the handshake, TCP
   * connect timeout), except the pool's own limits: its wait queue is full, or no connection came
   * within its wait limit. Those say the node is busy or hung, which only a probe can tell.
   */
  public static Outcome classifyAcquire(Throwable failure) {
    Outcome outcome = classify(failure);
    return outcome.scope() == Scope.CLIENT
        ? outcome
        : new Outcome(outcome.result(), Scope.NODE, outcome.detail());
  }

  /**
   * Whether an acquisition failed because the pool's own wait limit ({@code connect_timeout})
   * passed: no connection came in time, whether because the node hangs or because every connection
   * is busy. A TCP connect timeout is a different exception (a {@link ConnectException}) and a node
   * failure.
   */
  public static boolean isAcquireTimeout(Throwable failure) {
    Throwable error = unwrap(failure);
    return error instanceof VertxException
        && !(error instanceof DatabaseException)
        && ACQUIRE_TIMEOUT_MESSAGES.contains(String.valueOf(error.getMessage()));
  }

  private static Outcome mysql(int code, @Nullable String sqlState, String detail) {
    MysqlError known = MYSQL_ERRORS.get(code);
    if (known == null) {
      return sqlState(sqlState, detail);
    }
    if (known.reason().equals(STATEMENT_TIMEOUT)) {
      return new Outcome(LookupResult.timeout(STATEMENT_TIMEOUT), known.scope(), detail);
    }
    String reason = known.reason() + " (MySQL error " + code + ")";
    LookupResult result =
        known.reason().equals(QUERY_ERROR) ? LookupResult.perm(reason) : LookupResult.temp(reason);
    return new Outcome(result, known.scope(), detail);
  }

  private static Outcome sqlState(@Nullable String state, String detail) {
    if (state == null || state.length() != 5) {
      return temp("database error", Scope.QUERY, detail);
    }
    String upper = state.toUpperCase(Locale.ROOT);
    String cls = upper.substring(0, 2);
    if (cls.equals("42")) {
      return new Outcome(
          LookupResult.perm("query error (SQLSTATE " + upper + ")"), Scope.QUERY, detail);
    }
    if (upper.equals("57014")) {
      return new Outcome(LookupResult.timeout(STATEMENT_TIMEOUT), Scope.QUERY, detail);
    }
    String reason =
        switch (cls) {
          case "08" -> "database connection failed";
          case "57" -> "database shutting down";
          case "53" -> "database overloaded";
          case "40" -> "database conflict";
          case "28" -> "database login failed";
          default -> "database error";
        };
    boolean node = cls.equals("08") || cls.equals("28") || NODE_STATES.contains(upper);
    return temp(reason + " (SQLSTATE " + upper + ")", node ? Scope.NODE : Scope.QUERY, detail);
  }

  /** SQLite, through JDBC: one local file, no nodes; every failure is the statement's. */
  private static Outcome jdbc(Throwable failure, SQLException error) {
    String message = String.valueOf(error.getMessage());
    SQLiteException sqlite = find(failure, SQLiteException.class);
    // Extended codes (SQLITE_BUSY_RECOVERY, ...) carry the primary code in their low byte.
    int primary = sqlite == null ? -1 : sqlite.getResultCode().code & 0xff;
    if (primary == SQLiteErrorCode.SQLITE_ERROR.code && isSqliteQueryError(message)) {
      return perm("query error (SQLite)", message);
    }
    if (primary == SQLiteErrorCode.SQLITE_AUTH.code) {
      return perm("query error (SQLite)", message);
    }
    if (primary == SQLiteErrorCode.SQLITE_BUSY.code
        || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
      return temp("database busy", Scope.QUERY, message);
    }
    if (primary == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
      return temp("database file cannot be opened", Scope.QUERY, message);
    }
    String state = error.getSQLState();
    if (state == null) {
      return temp("database error", Scope.QUERY, message);
    }
    Outcome byState = sqlState(state, message);
    return new Outcome(byState.result(), Scope.QUERY, message);
  }

  /**
   * SQLite reports every error in a statement's text with the one result code {@code SQLITE_ERROR}
   * (also used for errors at run time, such as an integer overflow); only its message tells an
   * unknown table or column, or a syntax error, from the rest. These are SQLite's own fixed texts.
   */
  private static boolean isSqliteQueryError(String message) {
    String lower = message.toLowerCase(Locale.ROOT);
    return lower.contains("no such table")
        || lower.contains("no such column")
        || lower.contains("syntax error")
        || lower.contains("no such function")
        || lower.contains("ambiguous column");
  }

  /** Failures outside the database's answers: the network, TLS, the pool, our own limits. */
  private static Outcome connection(Throwable error, String detail) {
    if (find(error, ConnectException.class) != null
        || find(error, NoRouteToHostException.class) != null
        || find(error, UnknownHostException.class) != null) {
      return temp("database unreachable", Scope.NODE, detail);
    }
    if (find(error, SSLException.class) != null
        || find(error, CertificateException.class) != null) {
      return temp("database TLS failed", Scope.NODE, detail);
    }
    if (find(error, ClosedConnectionException.class) != null
        || find(error, ClosedChannelException.class) != null) {
      return temp("database connection closed", Scope.NODE, detail);
    }
    String untyped = untypedConnectionFailure(error);
    if (untyped != null) {
      return temp(untyped, Scope.NODE, detail);
    }
    if (find(error, IOException.class) != null) {
      // Reset by peer, broken pipe: Netty's native transport and the JDK's both raise these.
      return temp("database connection failed", Scope.NODE, detail);
    }
    if (error instanceof ConnectionPoolTooBusyException) {
      return temp("database pool full", Scope.CLIENT, detail);
    }
    if (isAcquireTimeout(error) || find(error, TimeoutException.class) != null) {
      return temp("no database connection available", Scope.CLIENT, detail);
    }
    return temp("database error", Scope.QUERY, error.getClass().getSimpleName() + ": " + detail);
  }

  /**
   * The reason for one of {@link #UNTYPED_CONNECTION_FAILURES}, or null. Only Vert.x's own plain
   * exceptions count: never a database's error, whose message its server (or a function) wrote.
   */
  private static @Nullable String untypedConnectionFailure(Throwable error) {
    boolean plain =
        (error instanceof VertxException && !(error instanceof DatabaseException))
            || error.getClass() == Exception.class;
    if (!plain) {
      return null;
    }
    String message = String.valueOf(error.getMessage());
    return message.startsWith(NOT_ACTIVE_PREFIX)
        ? "database connection closed"
        : UNTYPED_CONNECTION_FAILURES.get(message);
  }

  private static Outcome temp(String reason, Scope scope, String detail) {
    return new Outcome(LookupResult.temp(reason), scope, detail);
  }

  private static Outcome perm(String reason, String detail) {
    return new Outcome(LookupResult.perm(reason), Scope.QUERY, detail);
  }

  /**
   * True when the database refused the statement itself (an error response to it, such as a syntax
   * error or a value it cannot take), as opposed to a connection, pool or deadline failure.
   */
  public static boolean isStatementError(Throwable failure) {
    return unwrap(failure) instanceof DatabaseException;
  }

  /**
   * A short, single-line text of a failure for logs and reasons, without a stack trace: the first
   * line of the innermost message found.
   */
  public static String describe(Throwable failure) {
    Throwable t = failure;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    String message = t.getMessage();
    String text = message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable error = failure;
    while (error instanceof CompletionException && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }

  private static <T extends Throwable> @Nullable T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
