package io.sockmapd.config;

import io.sockmapd.config.schema.DatabaseKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One named database (possibly a cluster of nodes) that maps query.
 *
 * @param name the name given to it in the config file
 * @param type the engine
 * @param hosts cluster nodes; empty for SQLite
 * @param database database (schema) name; empty for SQLite
 * @param user login name
 * @param password resolved from {@code password}, {@code ${ENV}} or {@code password_file}
 * @param path SQLite database file; null for the network databases
 * @param poolSize connections per node
 * @param connectTimeout TCP connect + handshake budget per connection attempt
 * @param lookupTimeout one deadline per lookup covering connection acquisition, query and retries
 *     on other nodes; well under Sendmail's 30 s client timeout
 * @param retryInterval how long a failed node is left alone before it is probed again while another
 *     node answers (with no node up, probes come every second at most)
 * @param maxInFlight lookups running against this database at once; beyond it, {@code TEMP}
 * @param tlsMode TLS use
 * @param tlsCaFile CA bundle for {@link TlsMode#VERIFY_CA} / {@link TlsMode#VERIFY_FULL}
 * @param initSql SQLite only: a script that creates and seeds the database file when it does not
 *     exist yet at start; null for none
 * @param http the base URLs and request headers of an {@code http} database; null for SQL. Its
 *     {@link #hosts} are the URLs' hosts and ports, one node each
 */
public record DatabaseConfig(
    String name,
    DatabaseType type,
    List<HostAndPort> hosts,
    String database,
    String user,
    Secret password,
    @Nullable Path path,
    int poolSize,
    Duration connectTimeout,
    Duration lookupTimeout,
    Duration retryInterval,
    int maxInFlight,
    TlsMode tlsMode,
    @Nullable Path tlsCaFile,
    @Nullable Path initSql,
    @Nullable HttpSettings http) {

  // The defaults are the schema's (DatabaseKeys), named here for code that builds databases.
  public static final int DEFAULT_POOL_SIZE = DatabaseKeys.POOL_SIZE.defaultValue();
  public static final Duration DEFAULT_CONNECT_TIMEOUT =
      DatabaseKeys.CONNECT_TIMEOUT.defaultValue();
  public static final Duration DEFAULT_LOOKUP_TIMEOUT = DatabaseKeys.LOOKUP_TIMEOUT.defaultValue();
  public static final Duration DEFAULT_RETRY_INTERVAL = DatabaseKeys.RETRY_INTERVAL.defaultValue();
  public static final int DEFAULT_MAX_IN_FLIGHT = DatabaseKeys.MAX_IN_FLIGHT.defaultValue();

  public DatabaseConfig {
    hosts = List.copyOf(hosts);
  }

  /**
   * A SQL database with every tuning setting at its default: no TLS, no {@code init_sql}. For
   * configurations written by programs (the ezplanet reader) and for tests; {@link #toBuilder}
   * changes what differs.
   */
  public static DatabaseConfig withDefaults(
      String name,
      DatabaseType type,
      List<HostAndPort> hosts,
      String database,
      String user,
      Secret password,
      @Nullable Path path) {
    return new DatabaseConfig(
        name,
        type,
        hosts,
        database,
        user,
        password,
        path,
        DEFAULT_POOL_SIZE,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_LOOKUP_TIMEOUT,
        DEFAULT_RETRY_INTERVAL,
        DEFAULT_MAX_IN_FLIGHT,
        TlsMode.DISABLE,
        null,
        null,
        null);
  }

  /**
   * A builder that starts from this database's settings, to make a copy with some of them changed;
   * the engine, database name and SQLite file stay.
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link DatabaseConfig} from another one's settings, some of them changed. */
  public static final class Builder {
    private String name;
    private final DatabaseType type;
    private List<HostAndPort> hosts;
    private final String database;
    private String user;
    private Secret password;
    private final @Nullable Path path;
    private int poolSize;
    private Duration connectTimeout;
    private Duration lookupTimeout;
    private Duration retryInterval;
    private int maxInFlight;
    private TlsMode tlsMode;
    private @Nullable Path tlsCaFile;
    private @Nullable Path initSql;
    private @Nullable HttpSettings http;

    private Builder(DatabaseConfig from) {
      name = from.name;
      type = from.type;
      hosts = from.hosts;
      database = from.database;
      user = from.user;
      password = from.password;
      path = from.path;
      poolSize = from.poolSize;
      connectTimeout = from.connectTimeout;
      lookupTimeout = from.lookupTimeout;
      retryInterval = from.retryInterval;
      maxInFlight = from.maxInFlight;
      tlsMode = from.tlsMode;
      tlsCaFile = from.tlsCaFile;
      initSql = from.initSql;
      http = from.http;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder hosts(List<HostAndPort> hosts) {
      this.hosts = hosts;
      return this;
    }

    public Builder user(String user) {
      this.user = user;
      return this;
    }

    public Builder password(Secret password) {
      this.password = password;
      return this;
    }

    public Builder poolSize(int poolSize) {
      this.poolSize = poolSize;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder lookupTimeout(Duration lookupTimeout) {
      this.lookupTimeout = lookupTimeout;
      return this;
    }

    public Builder retryInterval(Duration retryInterval) {
      this.retryInterval = retryInterval;
      return this;
    }

    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    public Builder tlsMode(TlsMode tlsMode) {
      this.tlsMode = tlsMode;
      return this;
    }

    public Builder tlsCaFile(@Nullable Path tlsCaFile) {
      this.tlsCaFile = tlsCaFile;
      return this;
    }

    public Builder initSql(@Nullable Path initSql) {
      this.initSql = initSql;
      return this;
    }

    public Builder http(@Nullable HttpSettings http) {
      this.http = http;
      return this;
    }

    public DatabaseConfig build() {
      return new DatabaseConfig(
          name,
          type,
          hosts,
          database,
          user,
          password,
          path,
          poolSize,
          connectTimeout,
          lookupTimeout,
          retryInterval,
          maxInFlight,
          tlsMode,
          tlsCaFile,
          initSql,
          http);
    }
  }
}
