package io.sockmapd.sql;

import io.sockmapd.lookup.LookupResult;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The one place that turns a failed lookup into what the client is told. Outages, overload and
 * conflicts are {@code TEMP}; a passed deadline is {@code TIMEOUT}; an error in the configured
 * query itself (syntax, unknown table or column, no privilege) is {@code PERM}; anything not
 * recognised is {@code TEMP}. A failure is never "found" or "not found". Reasons are short, fixed
 * texts plus at most an SQLSTATE or error number: never SQL text, keys or passwords.
 */
public final class SqlErrorClassifier {
  /** MySQL/MariaDB errors in the configured query: unknown column, syntax, unknown table ... */
  private static final Set<Integer> MYSQL_QUERY_ERRORS =
      Set.of(1054, 1064, 1146, 1149, 1142, 1143, 1052, 1305, 1109, 1222, 1248, 1060);

  private static final Set<Integer> MYSQL_OVERLOAD = Set.of(1040, 1203, 1226);
  private static final Set<Integer> MYSQL_CONFLICT = Set.of(1205, 1213);
  private static final Set<Integer> MYSQL_LOGIN = Set.of(1044, 1045, 1049);
  private static final Set<Integer> MYSQL_STATEMENT_TIMEOUT = Set.of(3024, 1969);

  private SqlErrorClassifier() {}

  /**
   * A classified failure.
   *
   * @param result what the client is told
   * @param queryError true for an error in the configured query (logged loudly, once)
   * @param detail the database's own message for the log (may name tables and columns; never sent
   *     to the client)
   */
  public record Outcome(LookupResult result, boolean queryError, String detail) {}

  /** Classifies a failure of a lookup statement. */
  public static Outcome classify(Throwable failure) {
    Throwable error = unwrap(failure);
    if (error instanceof LookupFailure known) {
      return new Outcome(known.result(), false, known.result().text());
    }
    String detail = String.valueOf(error.getMessage());
    if (error instanceof MySQLException mysql) {
      return mysql(mysql.getErrorCode(), mysql.getSqlState(), detail);
    }
    if (error instanceof DatabaseException database) {
      return sqlState(database.getSqlState(), detail);
    }
    SQLException jdbc = find(error, SQLException.class);
    if (jdbc != null) {
      return jdbc(jdbc);
    }
    return connection(error, detail);
  }

  private static Outcome mysql(int code, @Nullable String sqlState, String detail) {
    if (MYSQL_QUERY_ERRORS.contains(code)) {
      return perm("query error (MySQL error " + code + ")", detail);
    }
    if (MYSQL_OVERLOAD.contains(code)) {
      return temp("database overloaded (MySQL error " + code + ")", detail);
    }
    if (MYSQL_CONFLICT.contains(code)) {
      return temp("database conflict (MySQL error " + code + ")", detail);
    }
    if (MYSQL_LOGIN.contains(code)) {
      return temp("database login failed (MySQL error " + code + ")", detail);
    }
    if (MYSQL_STATEMENT_TIMEOUT.contains(code)) {
      return new Outcome(LookupResult.timeout("database statement timeout"), false, detail);
    }
    return sqlState(sqlState, detail);
  }

  private static Outcome sqlState(@Nullable String state, String detail) {
    if (state == null || state.length() != 5) {
      return temp("database error", detail);
    }
    String upper = state.toUpperCase(Locale.ROOT);
    String cls = upper.substring(0, 2);
    if (cls.equals("42")) {
      return perm("query error (SQLSTATE " + upper + ")", detail);
    }
    if (upper.equals("57014")) {
      return new Outcome(LookupResult.timeout("database statement timeout"), false, detail);
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
    return temp(reason + " (SQLSTATE " + upper + ")", detail);
  }

  private static Outcome jdbc(SQLException error) {
    String message = String.valueOf(error.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("no such table")
        || lower.contains("no such column")
        || lower.contains("syntax error")
        || lower.contains("no such function")
        || lower.contains("ambiguous column")
        || lower.contains("sqlite_auth")) {
      return perm("query error (SQLite)", message);
    }
    if (lower.contains("sqlite_busy")
        || lower.contains("sqlite_locked")
        || lower.contains("database is locked")) {
      return temp("database busy", message);
    }
    if (lower.contains("sqlite_cantopen")) {
      return temp("database file cannot be opened", message);
    }
    String state = error.getSQLState();
    return state == null ? temp("database error", message) : sqlState(state, message);
  }

  private static Outcome connection(Throwable error, String detail) {
    if (find(error, ConnectException.class) != null
        || find(error, NoRouteToHostException.class) != null
        || find(error, UnknownHostException.class) != null) {
      return temp("database unreachable", detail);
    }
    if (error instanceof ClosedConnectionException
        || find(error, ClosedChannelException.class) != null) {
      return temp("database connection closed", detail);
    }
    String lower = detail.toLowerCase(Locale.ROOT);
    if (lower.contains("connection reset") || lower.contains("connection refused")) {
      return temp("database connection failed", detail);
    }
    if (find(error, TimeoutException.class) != null
        || lower.contains("timeout waiting for connection")) {
      return temp("no database connection available", detail);
    }
    if (lower.contains("wait queue") || lower.contains("waiter queue")) {
      return temp("database pool full", detail);
    }
    if (lower.contains("closed")) {
      return temp("database connection closed", detail);
    }
    return temp("database error", error.getClass().getSimpleName() + ": " + detail);
  }

  private static Outcome temp(String reason, String detail) {
    return new Outcome(LookupResult.temp(reason), false, detail);
  }

  private static Outcome perm(String reason, String detail) {
    return new Outcome(LookupResult.perm(reason), true, detail);
  }

  /**
   * True when the database refused the statement itself (an error response to it, such as a syntax
   * error or a value it cannot take), as opposed to a connection, pool or deadline failure.
   */
  public static boolean isStatementError(Throwable failure) {
    return unwrap(failure) instanceof DatabaseException;
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
