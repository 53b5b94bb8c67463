package io.sockmapd.config.importer;

import io.sockmapd.config.DatabaseType;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Postfix's SQL table types and sockmapd's engines: the names, and a guess from a file's
 * parameters.
 */
final class TableEngines {
  private static final Set<String> MYSQL_ONLY =
      Set.of(
          "option_file",
          "option_group",
          "require_result_set",
          "tls_cert_file",
          "tls_key_file",
          "tls_CAfile",
          "tls_CApath",
          "tls_verify_cert",
          "tls_ciphers");
  private static final Set<String> PGSQL_ONLY = Set.of("select_function", "encoding");

  private TableEngines() {}

  /** The engine of a Postfix table type ({@code pgsql}, {@code mysql}, {@code sqlite}), or null. */
  static @Nullable DatabaseType typeOf(String postfixType) {
    return switch (postfixType) {
      case "pgsql" -> DatabaseType.POSTGRESQL;
      case "mysql" -> DatabaseType.MYSQL;
      case "sqlite" -> DatabaseType.SQLITE;
      default -> null;
    };
  }

  /** The Postfix table type of an engine, as in {@code pgsql_table(5)}. */
  static String postfixType(DatabaseType type) {
    return switch (type) {
      case POSTGRESQL -> "pgsql";
      case MYSQL -> "mysql";
      case SQLITE -> "sqlite";
      case HTTP -> throw new IllegalArgumentException("the importer writes SQL tables only");
    };
  }

  /**
   * The engine a table file's parameters reveal: {@code dbpath} means sqlite, a MySQL-only
   * parameter mysql, a PostgreSQL-only one pgsql; null when they don't tell.
   */
  static @Nullable DatabaseType guess(Map<String, String> parameters) {
    if (parameters.containsKey("dbpath")) {
      return DatabaseType.SQLITE;
    }
    if (parameters.keySet().stream().anyMatch(MYSQL_ONLY::contains)) {
      return DatabaseType.MYSQL;
    }
    if (parameters.keySet().stream().anyMatch(PGSQL_ONLY::contains)) {
      return DatabaseType.POSTGRESQL;
    }
    return null;
  }
}
