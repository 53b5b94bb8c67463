package io.sockmapd.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sockmapd.codec.PolicyAction;
import io.sockmapd.config.schema.CacheKeys;
import io.sockmapd.config.schema.DatabaseKeys;
import io.sockmapd.config.schema.Key;
import io.sockmapd.config.schema.LimitKeys;
import io.sockmapd.config.schema.MapKeys;
import io.sockmapd.config.schema.PolicyKeys;
import io.sockmapd.config.schema.PolicyRuleKeys;
import io.sockmapd.config.schema.TableKeys;
import io.sockmapd.config.schema.TextKey;
import io.sockmapd.config.schema.TopLevelKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
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
 * Reads and validates the JSON configuration into immutable records, each key through its
 * descriptor in {@link io.sockmapd.config.schema} (name, range, default). Every problem is reported
 * with its JSON path, all at once, so {@code sockmapd check} can list them in one run. A file
 * written for ezplanet/sockmapd (top-level {@code postmaps} / {@code sysconfig}) is recognised and
 * read by {@link EzplanetConfigReader}, one written for postfix-rest-connector (top-level {@code
 * endpoints}) by {@link RestConnectorConfigReader}; their warnings are logged.
 */
public final class ConfigLoader {
  private static final Logger LOG = LogManager.getLogger(ConfigLoader.class);
  // A key given twice would otherwise silently keep its last value.
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
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
      throw JsonSyntaxError.of(source, e);
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(source, "the top level must be a JSON object");
    }
    if (RestConnectorConfigReader.recognizes(root)) {
      RestConnectorConfigReader.Result result = RestConnectorConfigReader.read(root, source);
      result.warnings().forEach(w -> LOG.warn("{} (postfix-rest-connector format): {}", source, w));
      return result.config();
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
    // A tcp_table listener names a map, which comes later in the file's order of problems.
    List<ListenerConfig> listeners =
        ListenerReader.read(
            root, root.namesAhead(TopLevelKeys.MAPS), root.namesAhead(TopLevelKeys.POLICIES));
    int socketMode = SockmapdConfig.DEFAULT_UNIX_SOCKET_MODE;
    String modeText = root.read(TopLevelKeys.UNIX_SOCKET_MODE);
    if (modeText.matches("0?[0-7]{3}")) {
      socketMode = Integer.parseInt(modeText, 8);
    } else {
      root.problem(TopLevelKeys.UNIX_SOCKET_MODE, "must be an octal mode such as \"0660\"");
    }
    String socketGroup = readUnixSocketGroup(root);
    Limits limits = readLimits(root.object(TopLevelKeys.LIMITS));
    Duration shutdownTimeout = root.read(TopLevelKeys.SHUTDOWN_TIMEOUT);

    Map<String, DatabaseConfig> databases = new LinkedHashMap<>();
    root.objectsByName(TopLevelKeys.DATABASES)
        .forEach((name, reader) -> databases.put(name, readDatabase(name, reader, base)));
    // Postfix's main.cf setting of the clients, for every map unless a map says otherwise: with
    // it on (the default since compatibility level 1) Postfix folds non-ASCII keys too.
    boolean smtputf8 = root.read(TopLevelKeys.SMTPUTF8_ENABLE);
    Map<String, MapConfig> maps = new LinkedHashMap<>();
    root.objectsByName(TopLevelKeys.MAPS)
        .forEach((name, reader) -> maps.put(name, readMap(name, reader, databases, smtputf8)));
    Map<String, PolicyConfig> policies = new LinkedHashMap<>();
    root.objectsByName(TopLevelKeys.POLICIES)
        .forEach((name, reader) -> policies.put(name, readPolicy(name, reader, databases)));
    if (maps.isEmpty() && policies.isEmpty()) {
      // A daemon that only answers policy delegation needs no map.
      root.problem(TopLevelKeys.MAPS, "must define at least one map (or a policy)");
    }
    Endpoint controlSocket = readControlSocket(root);
    AdminListener admin = readAdminListener(root);
    List<Endpoint> listen = listeners.stream().map(ListenerConfig::endpoint).toList();
    reportClashingEndpoints(root, listen, controlSocket);
    if (admin != null) {
      reportClash(root, TopLevelKeys.ADMIN_LISTEN, admin.endpoint(), listen, controlSocket);
    }
    root.rejectUnknownKeys();
    return new SockmapdConfig(
        listeners,
        socketMode,
        socketGroup,
        limits,
        shutdownTimeout,
        databases,
        maps,
        controlSocket,
        admin,
        policies);
  }

  /**
   * One policy: its rules in order, each a database and what to ask it (a query on a SQL database,
   * a URL path on an http one), and its on_error action.
   */
  private static PolicyConfig readPolicy(
      String name, JsonObjectReader r, Map<String, DatabaseConfig> databases) {
    List<PolicyConfig.Rule> rules = new ArrayList<>();
    boolean rulesGiven = r.has(PolicyKeys.RULES);
    for (JsonObjectReader element : r.objectList(PolicyKeys.RULES)) {
      String database = element.required(PolicyRuleKeys.DATABASE);
      DatabaseConfig ruleDatabase = databases.get(database);
      if (!database.isEmpty() && ruleDatabase == null) {
        element.problem(
            PolicyRuleKeys.DATABASE,
            "names no configured database: \"" + database + "\"; databases: " + databases.keySet());
      }
      if (ruleDatabase != null && ruleDatabase.type() == DatabaseType.HTTP) {
        if (element.has(PolicyRuleKeys.QUERY)) {
          element.problem(
              PolicyRuleKeys.QUERY, "does not apply to a rule on an http database (use url_path)");
        }
        rules.add(
            new PolicyConfig.HttpRule(database, readUrlPath(element, PolicyRuleKeys.URL_PATH)));
      } else {
        if (element.has(PolicyRuleKeys.URL_PATH)) {
          element.problem(PolicyRuleKeys.URL_PATH, "applies only to a rule on an http database");
        }
        rules.add(new PolicyConfig.SqlRule(database, element.required(PolicyRuleKeys.QUERY)));
      }
      element.rejectUnknownKeys();
    }
    if (rulesGiven && rules.isEmpty()) {
      r.problem(PolicyKeys.RULES, "must list at least one rule");
    } else if (!rulesGiven) {
      r.problem(
          PolicyKeys.RULES,
          "is required: a list of {\"database\": ..., \"query\": ...} (or \"url_path\" on an http"
              + " database)");
    }
    PolicyAction onError = PolicyConfig.DEFAULT_ON_ERROR;
    String onErrorText = r.read(PolicyKeys.ON_ERROR);
    try {
      onError = PolicyAction.parse(onErrorText);
    } catch (IllegalArgumentException e) {
      r.problem(PolicyKeys.ON_ERROR, e.getMessage());
    }
    r.rejectUnknownKeys();
    return new PolicyConfig(name, rules, onError);
  }

  /**
   * The HTTP listener for metrics and health checks: TCP only, answering the clients in {@code
   * admin_allow} (loopback only without it), since HTTP has no authentication here.
   */
  private static @Nullable AdminListener readAdminListener(JsonObjectReader root) {
    // The same networks, the same checks as a listener's allow list.
    ClientAllowList allow = ListenerReader.readAllow(root, TopLevelKeys.ADMIN_ALLOW);
    boolean allowGiven = root.has(TopLevelKeys.ADMIN_ALLOW);
    String text = root.read(TopLevelKeys.ADMIN_LISTEN);
    if (text.isEmpty()) {
      if (allowGiven) {
        root.problem(TopLevelKeys.ADMIN_ALLOW, "needs admin_listen");
      }
      return null;
    }
    try {
      if (Endpoint.parse(text) instanceof Endpoint.Inet inet) {
        return allowGiven && allow == null
            ? null // its problem is reported
            : new AdminListener(inet, allow == null ? ClientAllowList.LOOPBACK : allow);
      }
      root.problem(
          TopLevelKeys.ADMIN_LISTEN, "must be inet:HOST:PORT (Prometheus scrapes over TCP)");
    } catch (IllegalArgumentException e) {
      root.problem(TopLevelKeys.ADMIN_LISTEN, e.getMessage());
    }
    return null;
  }

  private static void reportClash(
      JsonObjectReader root,
      Key key,
      Endpoint endpoint,
      List<Endpoint> listen,
      @Nullable Endpoint controlSocket) {
    for (Endpoint other : listen) {
      if (EndpointClash.clash(endpoint, other)) {
        root.problem(key, "clashes with the listener " + other + ": both cannot be bound");
      }
    }
    if (controlSocket != null && EndpointClash.clash(endpoint, controlSocket)) {
      root.problem(key, "clashes with control_socket " + controlSocket + ": both cannot be bound");
    }
  }

  /**
   * The group the unix sockets get, so that an MTA running as another user (Postfix's {@code
   * private/} sockets) can connect. The name must exist here: a typo fails {@code check}, not the
   * start.
   */
  private static String readUnixSocketGroup(JsonObjectReader root) {
    String group = root.read(TopLevelKeys.UNIX_SOCKET_GROUP);
    if (!group.isEmpty()) {
      try {
        FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
      } catch (UserPrincipalNotFoundException e) {
        root.problem(TopLevelKeys.UNIX_SOCKET_GROUP, "no such group: " + group);
      } catch (IOException | UnsupportedOperationException e) {
        root.problem(
            TopLevelKeys.UNIX_SOCKET_GROUP, "cannot look up the group " + group + ": " + e);
      }
    }
    return group;
  }

  /**
   * The admin endpoint: a unix socket (protected by its file mode) or a loopback address, since the
   * protocol has no authentication.
   */
  private static @Nullable Endpoint readControlSocket(JsonObjectReader root) {
    String text = root.read(TopLevelKeys.CONTROL_SOCKET);
    if (text.isEmpty()) {
      return null;
    }
    try {
      Endpoint endpoint = Endpoint.parse(text);
      if (endpoint instanceof Endpoint.Inet inet && !IpLiteral.isLoopback(inet.host())) {
        root.problem(
            TopLevelKeys.CONTROL_SOCKET,
            "must be a unix socket or a loopback address (127.0.0.1, [::1], localhost), got "
                + text);
        return null;
      }
      return endpoint;
    } catch (IllegalArgumentException e) {
      root.problem(TopLevelKeys.CONTROL_SOCKET, e.getMessage());
      return null;
    }
  }

  /**
   * Two listeners on one unix path or one TCP address (or the control socket on a listener's) pass
   * every other check and fail only when {@code run} binds the second: report them here.
   */
  private static void reportClashingEndpoints(
      JsonObjectReader root, List<Endpoint> listen, @Nullable Endpoint controlSocket) {
    for (int i = 0; i < listen.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (EndpointClash.clash(listen.get(i), listen.get(j))) {
          root.problem(
              TopLevelKeys.LISTEN,
              "entry "
                  + i
                  + " ("
                  + listen.get(i)
                  + ") clashes with entry "
                  + j
                  + " ("
                  + listen.get(j)
                  + "): both cannot be bound");
        }
      }
    }
    if (controlSocket != null) {
      for (Endpoint listener : listen) {
        if (EndpointClash.clash(controlSocket, listener)) {
          root.problem(
              TopLevelKeys.CONTROL_SOCKET,
              "clashes with the listener " + listener + ": both cannot be bound");
        }
      }
    }
  }

  private static Limits readLimits(@Nullable JsonObjectReader r) {
    if (r == null) {
      return Limits.defaults();
    }
    Limits limits =
        new Limits(
            r.read(LimitKeys.MAX_REQUEST_SIZE),
            r.read(LimitKeys.MAX_REPLY_SIZE),
            r.read(LimitKeys.MAX_CONNECTIONS),
            r.read(LimitKeys.MAX_PENDING_REQUESTS),
            r.read(LimitKeys.IDLE_TIMEOUT),
            r.has(LimitKeys.MAX_BUFFERED_BYTES)
                ? r.read(LimitKeys.MAX_BUFFERED_BYTES)
                : Limits.defaultMaxBufferedBytes(),
            r.read(LimitKeys.MAX_IN_FLIGHT_PER_CLIENT),
            r.read(LimitKeys.MAX_CONNECTIONS_PER_CLIENT));
    r.rejectUnknownKeys();
    return limits;
  }

  private DatabaseConfig readDatabase(String name, JsonObjectReader r, Path base) {
    String typeName = r.required(DatabaseKeys.TYPE);
    DatabaseType type = null;
    for (DatabaseType candidate : DatabaseType.values()) {
      if (candidate.configName().equals(typeName)) {
        type = candidate;
      }
    }
    if (type == null && !typeName.isEmpty()) {
      r.problem(
          DatabaseKeys.TYPE, "must be postgresql, mysql, sqlite or http, got \"" + typeName + "\"");
    }
    DatabaseType effectiveType = type == null ? DatabaseType.POSTGRESQL : type;
    if (effectiveType == DatabaseType.HTTP) {
      return readHttpDatabase(name, r, base);
    }
    for (Key httpOnly :
        List.of(
            DatabaseKeys.URLS,
            DatabaseKeys.USER_AGENT,
            DatabaseKeys.AUTH_TOKEN,
            DatabaseKeys.AUTH_TOKEN_FILE,
            DatabaseKeys.MAX_RESPONSE_SIZE)) {
      if (r.has(httpOnly)) {
        r.problem(httpOnly, "applies only to \"type\": \"http\"");
      }
    }
    int problemsBeforeHosts = r.problemCount();
    List<HostAndPort> hosts =
        r.parsedList(DatabaseKeys.HOSTS, h -> HostAndPort.parse(h, effectiveType.defaultPort()));
    Path path = null;
    String database = "";
    if (effectiveType == DatabaseType.SQLITE) {
      String pathText = r.required(DatabaseKeys.PATH);
      path = pathText.isEmpty() ? null : base.resolve(pathText).normalize();
      if (!hosts.isEmpty()) {
        r.problem(DatabaseKeys.HOSTS, "does not apply to sqlite (use path)");
      }
    } else {
      database = r.required(DatabaseKeys.DATABASE);
      if (!r.has(DatabaseKeys.HOSTS)) {
        r.problem(DatabaseKeys.HOSTS, "is required: a list such as [\"db1.example.com:5432\"]");
      } else if (hosts.isEmpty() && r.problemCount() == problemsBeforeHosts) {
        r.problem(DatabaseKeys.HOSTS, "must name at least one host");
      }
      if (r.has(DatabaseKeys.PATH)) {
        r.problem(DatabaseKeys.PATH, "applies only to sqlite");
      }
    }
    String user = r.read(DatabaseKeys.USER);
    Secret password = readSecret(r, base, DatabaseKeys.PASSWORD, DatabaseKeys.PASSWORD_FILE);
    int poolSize = r.read(DatabaseKeys.POOL_SIZE);
    Duration connectTimeout = r.read(DatabaseKeys.CONNECT_TIMEOUT);
    Duration lookupTimeout = r.read(DatabaseKeys.LOOKUP_TIMEOUT);
    Duration retryInterval = r.read(DatabaseKeys.RETRY_INTERVAL);
    int maxInFlight = r.read(DatabaseKeys.MAX_IN_FLIGHT);
    TlsMode tlsMode = TlsMode.DISABLE;
    String tlsText = r.read(DatabaseKeys.TLS_MODE);
    try {
      tlsMode = TlsMode.valueOf(tlsText.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      r.problem(DatabaseKeys.TLS_MODE, "must be disable, require, verify-ca or verify-full");
    }
    String caText = r.read(DatabaseKeys.TLS_CA_FILE);
    Path tlsCaFile = caText.isEmpty() ? null : base.resolve(caText);
    if ((tlsMode == TlsMode.VERIFY_CA || tlsMode == TlsMode.VERIFY_FULL) && tlsCaFile == null) {
      r.problem(DatabaseKeys.TLS_CA_FILE, "is required with tls_mode " + tlsText);
    }
    Path initSql = null;
    String initText = r.read(DatabaseKeys.INIT_SQL);
    if (!initText.isEmpty()) {
      if (effectiveType == DatabaseType.SQLITE) {
        initSql = base.resolve(initText).normalize();
      } else {
        r.problem(DatabaseKeys.INIT_SQL, "applies only to sqlite");
      }
    }
    r.rejectUnknownKeys();
    return DatabaseConfig.withDefaults(name, effectiveType, hosts, database, user, password, path)
        .toBuilder()
        .poolSize(poolSize)
        .connectTimeout(connectTimeout)
        .lookupTimeout(lookupTimeout)
        .retryInterval(retryInterval)
        .maxInFlight(maxInFlight)
        .tlsMode(tlsMode)
        .tlsCaFile(tlsCaFile)
        .initSql(initSql)
        .build();
  }

  /**
   * An {@code http} database: base URLs, one node each, with the deadlines, pool size, retry
   * interval and {@code tls_ca_file} of any database. An {@code https} URL is always verified
   * (chain and host name), so {@code tls_mode} does not apply.
   */
  private DatabaseConfig readHttpDatabase(String name, JsonObjectReader r, Path base) {
    for (Key sqlOnly :
        List.of(
            DatabaseKeys.HOSTS,
            DatabaseKeys.DATABASE,
            DatabaseKeys.USER,
            DatabaseKeys.PASSWORD,
            DatabaseKeys.PASSWORD_FILE,
            DatabaseKeys.PATH,
            DatabaseKeys.INIT_SQL,
            DatabaseKeys.TLS_MODE)) {
      if (r.has(sqlOnly)) {
        r.problem(
            sqlOnly,
            sqlOnly == DatabaseKeys.TLS_MODE
                ? "does not apply to http: an https URL is always verified (chain and host name,"
                    + " against tls_ca_file or the system's CAs)"
                : "does not apply to http (use urls)");
      }
    }
    int problemsBefore = r.problemCount();
    List<URI> urls = r.parsedList(DatabaseKeys.URLS, HttpUrls::parse);
    if (!r.has(DatabaseKeys.URLS)) {
      r.problem(
          DatabaseKeys.URLS, "is required: a list such as [\"https://rest.example.com/api\"]");
    } else if (urls.isEmpty() && r.problemCount() == problemsBefore) {
      r.problem(DatabaseKeys.URLS, "must name at least one URL");
    }
    List<HostAndPort> hosts = new ArrayList<>();
    for (URI url : urls) {
      HostAndPort node = HttpUrls.node(url);
      if (hosts.contains(node)) {
        r.problem(DatabaseKeys.URLS, "names " + node + " twice: each URL is a node of its own");
      }
      hosts.add(node);
    }
    String caText = r.read(DatabaseKeys.TLS_CA_FILE);
    Path tlsCaFile = caText.isEmpty() ? null : base.resolve(caText);
    HttpSettings http =
        new HttpSettings(
            urls,
            r.read(DatabaseKeys.USER_AGENT),
            readSecret(r, base, DatabaseKeys.AUTH_TOKEN, DatabaseKeys.AUTH_TOKEN_FILE),
            r.read(DatabaseKeys.MAX_RESPONSE_SIZE));
    DatabaseConfig database =
        new DatabaseConfig(
            name,
            DatabaseType.HTTP,
            hosts,
            "",
            "",
            Secret.none(),
            null,
            r.read(DatabaseKeys.POOL_SIZE),
            r.read(DatabaseKeys.CONNECT_TIMEOUT),
            r.read(DatabaseKeys.LOOKUP_TIMEOUT),
            r.read(DatabaseKeys.RETRY_INTERVAL),
            r.read(DatabaseKeys.MAX_IN_FLIGHT),
            tlsCaFile == null ? TlsMode.DISABLE : TlsMode.VERIFY_FULL,
            tlsCaFile,
            null,
            http);
    r.rejectUnknownKeys();
    return database;
  }

  /**
   * A secret such as {@code password}: {@code inlineKey} (literal, or with {@code ${VAR}}
   * references) or {@code fileKey} (first line of the file), so the main config can stay
   * world-readable.
   */
  private Secret readSecret(JsonObjectReader r, Path base, TextKey inlineKey, TextKey fileKey) {
    boolean inline = r.has(inlineKey);
    boolean file = r.has(fileKey);
    if (inline && file) {
      r.problem(
          fileKey, "give either " + inlineKey.name() + " or " + fileKey.name() + ", not both");
      return Secret.none();
    }
    if (file) {
      Path path = base.resolve(r.read(fileKey));
      try {
        String content = Files.readString(path, StandardCharsets.UTF_8);
        int newline = content.indexOf('\n');
        String first = newline < 0 ? content : content.substring(0, newline);
        return Secret.of(first.endsWith("\r") ? first.substring(0, first.length() - 1) : first);
      } catch (IOException e) {
        r.problem(fileKey, "cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
        return Secret.none();
      }
    }
    String text = r.secret(inlineKey);
    Matcher m = ENV_REFERENCE.matcher(text);
    StringBuilder resolved = new StringBuilder();
    while (m.find()) {
      String value = environment.apply(m.group(1));
      if (value == null) {
        // Name the variable, never the secret text around it.
        r.problem(inlineKey, "environment variable " + m.group(1) + " is not set");
        value = "";
      }
      m.appendReplacement(resolved, Matcher.quoteReplacement(value));
    }
    m.appendTail(resolved);
    return Secret.of(resolved.toString());
  }

  /**
   * A map of one query, or a Postfix table list: {@code queries} holds one object per table (its
   * {@link TableKeys}); the {@link MapKeys} (how the key is folded and which forms are asked, and
   * the cache) belong to the whole map either way, because Postfix derives the key forms once and
   * asks every table for each.
   */
  private static MapConfig readMap(
      String name,
      JsonObjectReader r,
      Map<String, DatabaseConfig> databases,
      boolean defaultSmtputf8) {
    if (!MAP_NAME.matcher(name).matches()) {
      // Postfix takes the map name after the last ':' and clients split requests at the
      // first space, so such a name could never be asked for.
      r.problem("a map name must not contain spaces or ':'");
    }
    boolean tableList = r.has(MapKeys.QUERIES);
    List<TableSettings> tables =
        tableList ? readTables(r, databases) : List.of(readTable(r, databases));
    boolean foldCase = r.read(MapKeys.FOLD_CASE);
    boolean smtputf8 = r.read(MapKeys.SMTPUTF8_ENABLE, defaultSmtputf8);
    String delimiter = r.read(MapKeys.RECIPIENT_DELIMITER);
    List<FallbackKey> fallbackKeys = readFallbackKeys(r);
    if (fallbackKeys.contains(FallbackKey.USER_AT_DOMAIN) && delimiter.isEmpty()) {
      r.problem(MapKeys.RECIPIENT_DELIMITER, "is required when fallback_keys has \"user@domain\"");
    }
    CacheConfig cache =
        readCache(
            r.object(MapKeys.CACHE),
            name,
            tables.stream().map(TableSettings::database).distinct().toList(),
            databases);
    r.rejectUnknownKeys();
    KeyForms forms = new KeyForms(foldCase, delimiter, smtputf8);
    if (!tableList) {
      return tables.get(0).map(name, forms, fallbackKeys, cache, List.of());
    }
    List<MapConfig> queries = new ArrayList<>();
    for (int i = 0; i < tables.size(); i++) {
      // Each table folds the key as the list does and answers only the form it is given.
      queries.add(tables.get(i).map(name + "[" + i + "]", forms, List.of(), null, List.of()));
    }
    // The list itself queries nothing; its database is the first table's.
    TableSettings list =
        new TableSettings(
            tables.isEmpty() ? "" : tables.get(0).database(), "", "%s", List.of(), 0, null);
    return list.map(name, forms, fallbackKeys, cache, queries);
  }

  /** The tables of a table list; per-table keys at the map's own level are reported. */
  private static List<TableSettings> readTables(
      JsonObjectReader r, Map<String, DatabaseConfig> databases) {
    for (Key perTable : TableKeys.SECTION.keys()) {
      if (r.has(perTable)) {
        r.problem(perTable, "belongs inside each element of queries in a map with queries");
      }
    }
    List<TableSettings> tables = new ArrayList<>();
    for (JsonObjectReader element : r.objectList(MapKeys.QUERIES)) {
      TableSettings table = readTable(element, databases);
      if (table.http() != null) {
        element.problem(TableKeys.DATABASE, "is an http database: a table list holds SQL tables");
      }
      tables.add(table);
      element.rejectUnknownKeys();
    }
    if (tables.isEmpty()) {
      r.problem(MapKeys.QUERIES, "must list at least one query");
    }
    return tables;
  }

  private static List<FallbackKey> readFallbackKeys(JsonObjectReader r) {
    return r.parsedList(
        MapKeys.FALLBACK_KEYS,
        s ->
            FallbackKey.fromConfigName(s)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "must be one of \"user@domain\", \"user\", \"@domain\", got \""
                                + s
                                + "\"")));
  }

  /** How a map turns the key it is asked into the forms it queries. */
  private record KeyForms(boolean foldCase, String recipientDelimiter, boolean smtputf8Enable) {}

  /** What one table of a map says: where and what to query, and how to shape the answer. */
  private record TableSettings(
      String database,
      String query,
      String resultFormat,
      List<String> domain,
      int expansionLimit,
      @Nullable HttpTarget http) {

    MapConfig map(
        String name,
        KeyForms forms,
        List<FallbackKey> fallbackKeys,
        @Nullable CacheConfig cache,
        List<MapConfig> queries) {
      return new MapConfig(
          name,
          database,
          query,
          resultFormat,
          domain,
          expansionLimit,
          forms.foldCase(),
          forms.recipientDelimiter(),
          fallbackKeys,
          cache,
          forms.smtputf8Enable(),
          queries,
          http);
    }
  }

  private static TableSettings readTable(
      JsonObjectReader r, Map<String, DatabaseConfig> databases) {
    String database = r.required(TableKeys.DATABASE);
    if (!database.isEmpty() && !databases.containsKey(database)) {
      r.problem(TableKeys.DATABASE, "names no database under $.databases: \"" + database + "\"");
    }
    DatabaseConfig target = databases.get(database);
    if (target != null && target.type() == DatabaseType.HTTP) {
      return new TableSettings(database, "", "%s", List.of(), 0, readHttpTarget(r));
    }
    for (Key httpOnly :
        List.of(TableKeys.URL_PATH, TableKeys.HTTP_PARAMETERS, TableKeys.VALUE_SEPARATOR)) {
      if (r.has(httpOnly)) {
        r.problem(httpOnly, "applies only to a map on an http database");
      }
    }
    String query = readQuery(r);
    String resultFormat = r.read(TableKeys.RESULT_FORMAT);
    List<String> domain = r.read(TableKeys.DOMAIN);
    int expansionLimit = r.read(TableKeys.EXPANSION_LIMIT);
    return new TableSettings(database, query, resultFormat, domain, expansionLimit, null);
  }

  /** What a map on an http database asks; the SQL keys do not apply to it. */
  private static HttpTarget readHttpTarget(JsonObjectReader r) {
    for (Key sqlOnly :
        List.of(
            TableKeys.QUERY,
            TableKeys.TABLE,
            TableKeys.KEY,
            TableKeys.VALUE,
            TableKeys.REASON,
            TableKeys.RESULT_FORMAT,
            TableKeys.DOMAIN,
            TableKeys.EXPANSION_LIMIT)) {
      if (r.has(sqlOnly)) {
        r.problem(sqlOnly, "does not apply to a map on an http database (use url_path)");
      }
    }
    String path = readUrlPath(r, TableKeys.URL_PATH);
    String parameters = r.read(TableKeys.HTTP_PARAMETERS);
    HttpTarget.Parameters mode = HttpTarget.Parameters.NAME_AND_KEY;
    if (parameters.equals("key")) {
      mode = HttpTarget.Parameters.KEY;
    } else if (!parameters.equals("name_and_key")) {
      r.problem(
          TableKeys.HTTP_PARAMETERS, "must be name_and_key or key, got \"" + parameters + "\"");
    }
    return new HttpTarget(path, mode, r.read(TableKeys.VALUE_SEPARATOR));
  }

  /** A path appended to an http database's URLs: empty, or starting with {@code /}. */
  private static String readUrlPath(JsonObjectReader r, TextKey key) {
    String path = r.read(key);
    if (!path.isEmpty() && !path.startsWith("/")) {
      r.problem(key, "must start with /, got \"" + path + "\"");
    }
    return path;
  }

  /**
   * A map's SQL: either {@code query}, or {@code table} + {@code key} (+ {@code value}, {@code
   * reason}) from which {@link TableQuery} builds it. Exactly one of the two forms.
   */
  private static String readQuery(JsonObjectReader r) {
    boolean hasQuery = r.has(TableKeys.QUERY);
    boolean hasTable = r.has(TableKeys.TABLE);
    List<TextKey> columns = List.of(TableKeys.KEY, TableKeys.VALUE, TableKeys.REASON);
    if (hasQuery && hasTable) {
      r.problem(TableKeys.TABLE, "give either query or table (with key), not both");
      columns.forEach(r::has); // already reported: not unknown keys
      return "";
    }
    if (!hasTable) {
      for (TextKey column : columns) {
        if (r.has(column)) {
          r.problem(column, "applies only together with table");
        }
      }
      if (!hasQuery) {
        r.problem(TableKeys.QUERY, "is required (or give table, key and value instead)");
        return "";
      }
      return r.required(TableKeys.QUERY);
    }
    String table = tableName(r, TableKeys.TABLE);
    String key = tableName(r, TableKeys.KEY);
    String value = r.has(TableKeys.VALUE) ? tableName(r, TableKeys.VALUE) : null;
    String reason = r.has(TableKeys.REASON) ? tableName(r, TableKeys.REASON) : null;
    if (reason != null && value == null) {
      r.problem(TableKeys.REASON, "needs value");
      return "";
    }
    if (table.isEmpty() || key.isEmpty() || "".equals(value) || "".equals(reason)) {
      return "";
    }
    return TableQuery.build(table, key, value, reason);
  }

  /** A required table or column name; "" (with a problem) when missing or not plain. */
  private static String tableName(JsonObjectReader r, TextKey key) {
    String name = r.required(key);
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

  /**
   * @param mapName names the default {@code channel}
   * @param databaseNames the databases the map's tables query ({@code listen} needs one,
   *     PostgreSQL)
   */
  private static @Nullable CacheConfig readCache(
      @Nullable JsonObjectReader r,
      String mapName,
      List<String> databaseNames,
      Map<String, DatabaseConfig> databases) {
    if (r == null) {
      return null;
    }
    Duration ttl = r.read(CacheKeys.TTL);
    CacheConfig cache =
        new CacheConfig(
            ttl,
            r.read(CacheKeys.NEGATIVE_TTL, ttl),
            r.read(CacheKeys.MAX_ENTRIES),
            r.read(CacheKeys.MAX_STALE),
            r.read(CacheKeys.MAX_BYTES, (int) CacheConfig.SHARED_BUDGET),
            r.read(CacheKeys.MAX_KEY_LENGTH),
            readListenChannel(r, mapName, databaseNames, databases));
    r.rejectUnknownKeys();
    return cache;
  }

  /** PostgreSQL truncates longer names (NAMEDATALEN - 1), so a longer one would never match. */
  private static final int MAX_CHANNEL_BYTES = 63;

  /** The channel of {@code cache.listen}, or null when the cache does not listen. */
  private static @Nullable String readListenChannel(
      JsonObjectReader r,
      String mapName,
      List<String> databaseNames,
      Map<String, DatabaseConfig> databases) {
    boolean listen = r.read(CacheKeys.LISTEN);
    boolean named = r.has(CacheKeys.CHANNEL);
    String channel = r.read(CacheKeys.CHANNEL);
    if (!listen) {
      if (named) {
        r.problem(CacheKeys.CHANNEL, "applies only with \"listen\": true");
      }
      return null;
    }
    for (String name : databaseNames) {
      DatabaseConfig database = databases.get(name);
      if (database != null && database.type() != DatabaseType.POSTGRESQL) {
        // Only PostgreSQL has LISTEN/NOTIFY; the others are kept true by a TTL and flushes.
        r.problem(
            CacheKeys.LISTEN,
            "applies only to PostgreSQL; database \""
                + name
                + "\" is "
                + database.type().name().toLowerCase(Locale.ROOT)
                + " (which has no LISTEN/NOTIFY: keep the ttl short, or run `sockmapd flush` after"
                + " a change)");
        return null;
      }
    }
    if (databaseNames.size() > 1) {
      r.problem(
          CacheKeys.LISTEN,
          "needs all of the map's tables on one database (one connection listens)");
      return null;
    }
    if (!named) {
      channel = CacheKeys.DEFAULT_CHANNEL_PREFIX + mapName;
    }
    int bytes = channel.getBytes(StandardCharsets.UTF_8).length;
    String subject = named ? "" : "the default channel \"" + channel + "\" ";
    if (channel.isEmpty()) {
      r.problem(CacheKeys.CHANNEL, "must not be empty");
    } else if (channel.indexOf('\0') >= 0) {
      r.problem(CacheKeys.CHANNEL, "must not contain a NUL character");
    } else if (bytes > MAX_CHANNEL_BYTES) {
      r.problem(
          named ? CacheKeys.CHANNEL : CacheKeys.LISTEN,
          subject
              + "is "
              + bytes
              + " bytes long; PostgreSQL channel names have at most "
              + MAX_CHANNEL_BYTES
              + (named ? "" : " (name one with \"channel\")"));
    }
    return channel;
  }
}
