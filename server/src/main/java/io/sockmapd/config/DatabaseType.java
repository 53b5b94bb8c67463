package io.sockmapd.config;

import java.util.Locale;

/**
 * The database engines sockmapd can query, and {@code http}: a REST application answering lookups.
 */
public enum DatabaseType {
  POSTGRESQL(5432),
  MYSQL(3306),
  SQLITE(0),
  HTTP(0);

  private final int defaultPort;

  DatabaseType(int defaultPort) {
    this.defaultPort = defaultPort;
  }

  public int defaultPort() {
    return defaultPort;
  }

  /** True for the SQL engines, whose maps have a {@code query}. */
  public boolean isSql() {
    return this != HTTP;
  }

  /** The name used in the config file. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
