package io.sockmapd.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Reads and validates the JSON configuration into immutable records. Every problem is reported with
 * its JSON path, all at once, so {@code sockmapd check} can list them in one run. A file written
 * for ezplanet/sockmapd (top-level {@code postmaps} / {@code sysconfig}) is recognised and read by
 * {@link EzplanetConfigReader}; its warnings are logged.
 */
public final class ConfigLoader {
  private static final Logger LOG = LogManager.getLogger(ConfigLoader.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern MAP_NAME = Pattern.compile("[^\\s:]+");

  private final UnaryOperator<String> environment;

  /** A loader that resolves {@code ${VAR}} references from the process environment. */
  public ConfigLoader() {
    this(System::getenv);
  }

  /** A loader with its own environment lookup (returns null for an unset variable); for tests. */
  public ConfigLoader(UnaryOperator<String> environment) {
    this.environment = environment;
  }

  /** Reads a config file. Relative paths inside it are resolved against the file's folder. */
  public SockmapdConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), "file not found");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot read: " + e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), base == null ? Path.of("") : base);
  }

  /** Parses config text; {@code source} names it in errors, {@code base} anchors relative paths. */
  public SockmapdConfig parse(String text, String source, Path base) throws ConfigException {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new ConfigException(
          source,
          "not valid JSON"
              + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(source, "the top level must be a JSON object");
    }
    if (EzplanetConfigReader.recognizes(root)) {
      EzplanetConfigReader.Result result = EzplanetConfigReader.read(root, source);
      result.warnings().forEach(w -> LOG.warn("{} (ezplanet/sockmapd format): {}", source, w));
      return result.config();
    }
    List<ConfigProblem> problems = new ArrayList<>();
    SockmapdConfig config = read(new JsonObjectReader(root, "$", problems), base);
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
    return config;
  }

  private SockmapdConfig read(JsonObjectReader root, Path base) {
    int problemsBefore = root.problemCount();
    List<Endpoint> listen = root.parsedList("listen", Endpoint::parse);
    if (!root.has("listen")) {
      root.problem("listen", "is required: a list such as [\"inet:127.0.0.1:8732\"]");
    } else if (listen.isEmpty() && root.problemCount() == problemsBefore) {
      // Only for a list that is really empty: bad entries were each reported already.
      root.problem("listen", "must name at least one endpoint");
    }
    int socketMode = SockmapdConfig.DEFAULT_UNIX_SOCKET_MODE;
    String modeText = root.string("unix_socket_mode", "");
    if (!modeText.isEmpty()) {
      if (modeText.matches("0?[0-7]{3}")) {
        socketMode = Integer.parseInt(modeText, 8);
      } else {
        root.problem("unix_socket_mode", "must be an octal mode such as \"0660\"");
      }
    }
    Limits limits = readLimits(root.object("limits"));
    Duration shutdownTimeout =
        root.duration("shutdown_timeout", SockmapdConfig.DEFAULT_SHUTDOWN_TIMEOUT, Duration.ZERO);

    Map<String, DatabaseConfig> databases = new LinkedHashMap<>();
    root.objectsByName("databases")
        .forEach((name, reader) -> databases.put(name, readDatabase(name, reader, base)));
    Map<String, MapConfig> maps = new LinkedHashMap<>();
    root.objectsByName("maps")
        .forEach((name, reader) -> maps.put(name, readMap(name, reader, databases)));
    if (maps.isEmpty()) {
      root.problem("maps", "must define at least one map");
    }
    Endpoint controlSocket = readControlSocket(root);
    root.rejectUnknownKeys();
    return new SockmapdConfig(
        listen, socketMode, limits, shutdownTimeout, databases, maps, controlSocket);
  }

  /**
   * The admin endpoint: a unix socket (protected by its file mode) or a loopback address, since the
   * protocol has no authentication.
   */
  private static @Nullable Endpoint readControlSocket(JsonObjectReader root) {
    String text = root.string("control_socket", "");
    if (text.isEmpty()) {
      return null;
    }
    try {
      Endpoint endpoint = Endpoint.parse(text);
      if (endpoint instanceof Endpoint.Inet inet && !isLoopback(inet.host())) {
        root.problem(
            "control_socket",
            "must be a unix socket or a loopback address (127.0.0.1, [::1], localhost), got "
                + text);
        return null;
      }
      return endpoint;
    } catch (IllegalArgumentException e) {
      root.problem("control_socket", e.getMessage());
      return null;
    }
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.equals("::1") || host.matches("127(\\.\\d{1,3}){3}");
  }

  private static Limits readLimits(@Nullable JsonObjectReader r) {
    if (r == null) {
      return Limits.defaults();
    }
    Limits limits =
        new Limits(
            r.integer("max_request_size", Limits.DEFAULT_MAX_REQUEST_SIZE, 16, 100_000_000),
            r.integer("max_reply_size", Limits.DEFAULT_MAX_REPLY_SIZE, 32, 100_000_000),
            r.integer("max_connections", Limits.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
            r.integer("max_pending_requests", Limits.DEFAULT_MAX_PENDING_REQUESTS, 1, 100_000),
            r.duration("idle_timeout", Limits.DEFAULT_IDLE_TIMEOUT, Duration.ofSeconds(1)));
    r.rejectUnknownKeys();
    return limits;
  }

  private DatabaseConfig readDatabase(String name, JsonObjectReader r, Path base) {
    String typeName = r.requiredString("type");
    DatabaseType type = null;
    for (DatabaseType candidate : DatabaseType.values()) {
      if (candidate.configName().equals(typeName)) {
        type = candidate;
      }
    }
    if (type == null && !typeName.isEmpty()) {
      r.problem("type", "must be postgresql, mysql or sqlite, got \"" + typeName + "\"");
    }
    DatabaseType effectiveType = type == null ? DatabaseType.POSTGRESQL : type;
    int problemsBeforeHosts = r.problemCount();
    List<HostAndPort> hosts =
        r.parsedList("hosts", h -> HostAndPort.parse(h, effectiveType.defaultPort()));
    Path path = null;
    String database = "";
    if (effectiveType == DatabaseType.SQLITE) {
      String pathText = r.requiredString("path");
      path = pathText.isEmpty() ? null : base.resolve(pathText).normalize();
      if (!hosts.isEmpty()) {
        r.problem("hosts", "does not apply to sqlite (use path)");
      }
    } else {
      database = r.requiredString("database");
      if (!r.has("hosts")) {
        r.problem("hosts", "is required: a list such as [\"db1.example.com:5432\"]");
      } else if (hosts.isEmpty() && r.problemCount() == problemsBeforeHosts) {
        r.problem("hosts", "must name at least one host");
      }
      if (r.has("path")) {
        r.problem("path", "applies only to sqlite");
      }
    }
    String user = r.string("user", "");
    Secret password = readPassword(r, base);
    int poolSize = r.integer("pool_size", DatabaseConfig.DEFAULT_POOL_SIZE, 1, 1000);
    Duration connectTimeout =
        r.duration(
            "connect_timeout", DatabaseConfig.DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(10));
    Duration lookupTimeout =
        r.duration("lookup_timeout", DatabaseConfig.DEFAULT_LOOKUP_TIMEOUT, Duration.ofMillis(10));
    Duration retryInterval =
        r.duration("retry_interval", DatabaseConfig.DEFAULT_RETRY_INTERVAL, Duration.ofMillis(10));
    int maxInFlight =
        r.integer("max_in_flight", DatabaseConfig.DEFAULT_MAX_IN_FLIGHT, 1, 1_000_000);
    TlsMode tlsMode = TlsMode.DISABLE;
    String tlsText = r.string("tls_mode", "disable");
    try {
      tlsMode = TlsMode.valueOf(tlsText.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      r.problem("tls_mode", "must be disable, require, verify-ca or verify-full");
    }
    String caText = r.string("tls_ca_file", "");
    Path tlsCaFile = caText.isEmpty() ? null : base.resolve(caText);
    if ((tlsMode == TlsMode.VERIFY_CA || tlsMode == TlsMode.VERIFY_FULL) && tlsCaFile == null) {
      r.problem("tls_ca_file", "is required with tls_mode " + tlsText);
    }
    Path initSql = null;
    String initText = r.string("init_sql", "");
    if (!initText.isEmpty()) {
      if (effectiveType == DatabaseType.SQLITE) {
        initSql = base.resolve(initText).normalize();
      } else {
        r.problem("init_sql", "applies only to sqlite");
      }
    }
    r.rejectUnknownKeys();
    return new DatabaseConfig(
        name,
        effectiveType,
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
        initSql);
  }

  /**
   * {@code password} (literal, or with {@code ${VAR}} references) or {@code password_file} (first
   * line of the file), so the main config can stay world-readable.
   */
  private Secret readPassword(JsonObjectReader r, Path base) {
    boolean inline = r.has("password");
    boolean file = r.has("password_file");
    if (inline && file) {
      r.problem("password_file", "give either password or password_file, not both");
      return Secret.none();
    }
    if (file) {
      Path path = base.resolve(r.string("password_file", ""));
      try {
        String content = Files.readString(path, StandardCharsets.UTF_8);
        int newline = content.indexOf('\n');
        String first = newline < 0 ? content : content.substring(0, newline);
        return Secret.of(first.endsWith("\r") ? first.substring(0, first.length() - 1) : first);
      } catch (IOException e) {
        r.problem(
            "password_file", "cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
        return Secret.none();
      }
    }
    String text = r.string("password", "");
    Matcher m = ENV_REFERENCE.matcher(text);
    StringBuilder resolved = new StringBuilder();
    while (m.find()) {
      String value = environment.apply(m.group(1));
      if (value == null) {
        // Name the variable, never the password text around it.
        r.problem("password", "environment variable " + m.group(1) + " is not set");
        value = "";
      }
      m.appendReplacement(resolved, Matcher.quoteReplacement(value));
    }
    m.appendTail(resolved);
    return Secret.of(resolved.toString());
  }

  private static MapConfig readMap(
      String name, JsonObjectReader r, Map<String, DatabaseConfig> databases) {
    if (!MAP_NAME.matcher(name).matches()) {
      // Postfix takes the map name after the last ':' and clients split requests at the
      // first space, so such a name could never be asked for.
      r.problem("", "a map name must not contain spaces or ':'");
    }
    String database = r.requiredString("database");
    if (!database.isEmpty() && !databases.containsKey(database)) {
      r.problem("database", "names no database under $.databases: \"" + database + "\"");
    }
    String query = readQuery(r);
    String resultFormat = r.string("result_format", "%s");
    List<String> domain = r.stringList("domain");
    int expansionLimit = r.integer("expansion_limit", 0, 0, Integer.MAX_VALUE);
    boolean foldCase = r.bool("fold_case", true);
    String delimiter = r.string("recipient_delimiter", "");
    List<FallbackKey> fallbackKeys =
        r.parsedList(
            "fallback_keys",
            s ->
                FallbackKey.fromConfigName(s)
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "must be one of \"user@domain\", \"user\", \"@domain\", got \""
                                    + s
                                    + "\"")));
    if (fallbackKeys.contains(FallbackKey.USER_AT_DOMAIN) && delimiter.isEmpty()) {
      r.problem("recipient_delimiter", "is required when fallback_keys has \"user@domain\"");
    }
    CacheConfig cache = readCache(r.object("cache"));
    r.rejectUnknownKeys();
    return new MapConfig(
        name,
        database,
        query,
        resultFormat,
        domain,
        expansionLimit,
        foldCase,
        delimiter,
        fallbackKeys,
        cache);
  }

  /**
   * A map's SQL: either {@code query}, or {@code table} + {@code key} (+ {@code value}, {@code
   * reason}) from which {@link TableQuery} builds it. Exactly one of the two forms.
   */
  private static String readQuery(JsonObjectReader r) {
    boolean hasQuery = r.has("query");
    boolean hasTable = r.has("table");
    if (hasQuery && hasTable) {
      r.problem("table", "give either query or table (with key), not both");
      List.of("key", "value", "reason").forEach(r::has); // already reported: not unknown keys
      return "";
    }
    if (!hasTable) {
      for (String column : List.of("key", "value", "reason")) {
        if (r.has(column)) {
          r.problem(column, "applies only together with table");
        }
      }
      if (!hasQuery) {
        r.problem("query", "is required (or give table, key and value instead)");
        return "";
      }
      return r.requiredString("query");
    }
    String table = tableName(r, "table");
    String key = tableName(r, "key");
    String value = r.has("value") ? tableName(r, "value") : null;
    String reason = r.has("reason") ? tableName(r, "reason") : null;
    if (reason != null && value == null) {
      r.problem("reason", "needs value");
      return "";
    }
    if (table.isEmpty() || key.isEmpty() || "".equals(value) || "".equals(reason)) {
      return "";
    }
    return TableQuery.build(table, key, value, reason);
  }

  /** A required table or column name; "" (with a problem) when missing or not plain. */
  private static String tableName(JsonObjectReader r, String key) {
    String name = r.requiredString(key);
    if (name.isEmpty()) {
      return "";
    }
    String problem = TableQuery.identifierProblem(name);
    if (problem != null) {
      r.problem(key, problem);
      return "";
    }
    return name;
  }

  private static @Nullable CacheConfig readCache(@Nullable JsonObjectReader r) {
    if (r == null) {
      return null;
    }
    Duration ttl = r.duration("ttl", Duration.ofMinutes(1), Duration.ZERO);
    CacheConfig cache =
        new CacheConfig(
            ttl,
            r.duration("negative_ttl", ttl, Duration.ZERO),
            r.integer("max_entries", 100_000, 1, Integer.MAX_VALUE),
            r.duration("max_stale", Duration.ZERO, Duration.ZERO));
    r.rejectUnknownKeys();
    return cache;
  }
}
