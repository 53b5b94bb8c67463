package io.sockmapd.cli;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import java.time.Duration;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How long a one-shot command ({@code check}, {@code query}) waits for a database, derived from the
 * database's own {@code connect_timeout} and {@code lookup_timeout}, and how it names the database
 * when one does not answer in time.
 */
final class DatabaseDeadlines {
  /** Time on top of the database's own timeouts, for scheduling and the driver's own reply. */
  static final Duration SLACK = Duration.ofSeconds(1);

  private DatabaseDeadlines() {}

  /** One connect plus one statement: what the database's own deadlines allow for a step. */
  static Duration step(DatabaseConfig database) {
    return database.connectTimeout().plus(database.lookupTimeout());
  }

  /** {@code check} of one database: a connect, then the statements prepared side by side. */
  static Duration check(DatabaseConfig database) {
    return step(database).multipliedBy(2).plus(SLACK);
  }

  /**
   * {@code query} of one key in {@code map}: each fallback key form is one more lookup after the
   * full key, each under its own deadline.
   */
  static Duration query(SockmapdConfig config, @Nullable MapConfig map) {
    DatabaseConfig database = map == null ? null : config.databases().get(map.database());
    if (database == null) {
      return DatabaseConfig.DEFAULT_CONNECT_TIMEOUT
          .plus(DatabaseConfig.DEFAULT_LOOKUP_TIMEOUT)
          .plus(SLACK);
    }
    return step(database).multipliedBy(1L + map.fallbackKeys().size()).plus(SLACK);
  }

  /** "main at db1:5432, db2:5432" or "local at /var/lib/sockmapd/maps.db". */
  static String describe(DatabaseConfig database) {
    String where =
        database.path() != null
            ? database.path().toString()
            : database.hosts().stream()
                .map(DatabaseDeadlines::hostText)
                .collect(Collectors.joining(", "));
    return where.isEmpty() ? database.name() : database.name() + " at " + where;
  }

  private static String hostText(HostAndPort host) {
    String name = host.host().indexOf(':') >= 0 ? "[" + host.host() + "]" : host.host();
    return name + ":" + host.port();
  }

  /** Seconds with at most one decimal, as people read a timeout. */
  static String seconds(Duration d) {
    long tenths = (d.toMillis() + 50) / 100;
    return tenths % 10 == 0 ? tenths / 10 + " s" : tenths / 10 + "." + tenths % 10 + " s";
  }
}
