package io.sockmapd.config.schema;

import java.time.Duration;

/** The keys of one database under {@code databases}. */
public final class DatabaseKeys {
  public static final Section SECTION = new Section("databases");

  // Drivers and timers take int milliseconds; these bounds sit well inside that and above any
  // sensible value.
  private static final Duration MIN_TIMEOUT = Duration.ofMillis(10);
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  public static final TextKey TYPE =
      SECTION.text(
          "type",
          "`postgresql` \\| `mysql` \\| `sqlite` \\| `http`",
          "required",
          "engine; `mysql` covers MariaDB; `http` asks a REST application (see [HTTP"
              + " backends](#http-backends))");
  public static final ListKey HOSTS =
      SECTION.list(
          "hosts",
          "list of `host`, `host:port`, `[v6]:port`",
          "required (not sqlite)",
          "default port 5432 / 3306. Several hosts are nodes of one cluster: see [Database"
              + " clusters](clusters.md#database-clusters-failover-deadlines-and-recovery)");
  public static final TextKey DATABASE =
      SECTION.text("database", "string", "required (not sqlite)", "database name");
  public static final TextKey USER = SECTION.text("user", "string", "driver default", "login");
  public static final TextKey PASSWORD =
      SECTION.text(
          "password",
          "string, may hold `${ENV}` references",
          "none",
          "a missing variable is a config error");
  public static final TextKey PASSWORD_FILE =
      SECTION.text(
          "password_file", "path", "none", "first line of the file; use either this or `password`");
  public static final TextKey PATH =
      SECTION.text("path", "path", "required (sqlite)", "SQLite file");
  public static final TextKey INIT_SQL =
      SECTION.text(
          "init_sql",
          "path",
          "none",
          "sqlite only: a script run once, when `path` does not exist yet. It runs into a"
              + " temporary file that is moved into place only if every statement succeeds. If it"
              + " fails, lookups answer `TEMP database not initialised` and the next start tries"
              + " again");
  public static final WholeNumberKey POOL_SIZE =
      SECTION.wholeNumber(
          "pool_size",
          4,
          1,
          1000,
          "connections (per node). One map may hold all of them but one at once (see [Slow"
              + " statements](clusters.md#slow-statements-deadlines-on-the-database-side-and-each-maps-share))");
  public static final DurationKey CONNECT_TIMEOUT =
      SECTION.duration(
          "connect_timeout",
          Duration.ofSeconds(2),
          MIN_TIMEOUT,
          MAX_TIMEOUT,
          "TCP connect and handshake; also the longest wait for a connection from one node");
  public static final DurationKey LOOKUP_TIMEOUT =
      SECTION.duration(
          "lookup_timeout",
          Duration.ofSeconds(5),
          MIN_TIMEOUT,
          MAX_TIMEOUT,
          "one deadline per lookup, covering the pool wait and the query; then `TIMEOUT`. A"
              + " statement still running 1 s later is ended by the database");
  public static final WholeNumberKey MAX_IN_FLIGHT =
      SECTION.wholeNumber(
          "max_in_flight",
          1000,
          1,
          1_000_000,
          "lookups running against this database at once. Beyond it: `TEMP too many lookups in"
              + " flight`, no queueing. A query that outlived its deadline keeps its slot until the"
              + " database answers");
  public static final TextKey TLS_MODE =
      SECTION.text(
          "tls_mode",
          "`disable` \\| `require` \\| `verify-ca` \\| `verify-full`",
          "disable",
          "`disable`",
          "TLS to the database, as libpq's `sslmode`: `require` encrypts without checking the"
              + " certificate, `verify-ca` checks it was signed by `tls_ca_file`, `verify-full`"
              + " also that it names the host as written in `hosts` (see [TLS](#tls-to-the-databases))");
  public static final TextKey TLS_CA_FILE =
      SECTION.text(
          "tls_ca_file",
          "path",
          "none",
          "PEM CA bundle; required by `verify-ca` and `verify-full`");
  public static final DurationKey RETRY_INTERVAL =
      SECTION.duration(
          "retry_interval",
          Duration.ofSeconds(10),
          MIN_TIMEOUT,
          Duration.ofDays(1),
          "how long a failed node is left out before it is probed again while another node"
              + " answers; with no node up, probes come every second at most (see"
              + " [Recovery](clusters.md#recovery))");

  public static final ListKey URLS =
      SECTION.list(
          "urls",
          "list of `http://` / `https://` base URLs",
          "required (http)",
          "http only: one node each, with the same failover as `hosts`; a map's `url_path` is"
              + " appended");
  public static final TextKey USER_AGENT =
      SECTION.text(
          "user_agent", "string", "sockmapd", "`sockmapd`", "http only: the `User-Agent` header");
  public static final TextKey AUTH_TOKEN =
      SECTION.text(
          "auth_token",
          "string, may hold `${ENV}` references",
          "none",
          "http only: sent as `X-Auth-Token`, never logged; a missing variable is a config error");
  public static final TextKey AUTH_TOKEN_FILE =
      SECTION.text(
          "auth_token_file",
          "path",
          "none",
          "http only: first line of the file; use either this or `auth_token`");
  public static final WholeNumberKey MAX_RESPONSE_SIZE =
      SECTION.wholeNumber(
          "max_response_size",
          1_048_576,
          64,
          64 * 1_048_576,
          "http only: bytes of a response body; a longer body is `TEMP`, cut off as soon as that"
              + " many bytes have arrived");

  private DatabaseKeys() {}
}
