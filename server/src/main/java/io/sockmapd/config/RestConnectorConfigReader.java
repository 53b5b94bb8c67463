package io.sockmapd.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sockmapd.codec.PolicyAction;
import io.sockmapd.config.schema.DatabaseKeys;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a configuration file written for postfix-rest-connector (a server that answers Postfix's
 * {@code tcp:} and {@code socketmap:} lookups and its policy delegation by calling HTTP endpoints)
 * so that such a file runs unchanged:
 *
 * <pre>
 * { "user-agent": "Postfix REST Connector",
 *   "endpoints": [ { "name": "domain-lookup", "mode": "tcp-lookup",
 *                    "target": "https://app.example.com/api/postfix/domain",
 *                    "bind-address": "0.0.0.0", "bind-port": 9001,
 *                    "auth-token": "secret", "request-timeout": 2000,
 *                    "list-separator": "," } ] }
 * </pre>
 *
 * <p>Each endpoint becomes a listener on {@code bind-address:bind-port}, an {@code http} database
 * whose one URL is {@code target}, and a map on it named after the endpoint:
 *
 * <ul>
 *   <li>{@code tcp-lookup}: a {@code tcp_table} listener; each lookup is {@code GET
 *       target?key=KEY}.
 *   <li>{@code socketmap-lookup}: a socketmap listener that answers every map name Postfix asks for
 *       ({@code socketmap:inet:host:port:NAME}, NAME being anything) with {@code GET
 *       target?name=NAME&key=KEY}.
 *   <li>{@code policy}: a {@code policy} listener whose policy has one rule, {@code POST target}
 *       with the request's attributes as a form; a {@code 200} answers with its body as the action.
 *       Every failure (any other status, a timeout, no connection) answers {@link
 *       #POLICY_ON_ERROR}, as postfix-rest-connector answers a {@code 5xx} or a timeout. One
 *       difference, on purpose: postfix-rest-connector rejects the mail ({@code 554}) when the
 *       application answers a {@code 4xx}; sockmapd defers it, since a misconfigured connector
 *       should keep mail queued until it is fixed, not bounce it.
 * </ul>
 *
 * <p>Requests carry {@code User-Agent} ({@code user-agent}, default {@code Postfix REST Connector})
 * and {@code X-Auth-Token} ({@code auth-token}); {@code request-timeout} (milliseconds, default
 * 2000) is the lookup's deadline. Answers are read as postfix-rest-connector reads them (see {@link
 * io.sockmapd.config.HttpTarget} and the http backend). Keys are sent as received: no case folding.
 *
 * <p>As postfix-rest-connector's strict JSON decoding does, an unknown key or a value of the wrong
 * JSON type is an error. An endpoint bound to an address other hosts can reach accepts every
 * client, as it did there; a warning says so, since a sockmapd config would have to name an allow
 * list.
 */
public final class RestConnectorConfigReader {
  /** postfix-rest-connector's defaults. */
  static final String DEFAULT_USER_AGENT = "Postfix REST Connector";

  static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 2000;
  static final String TCP_LOOKUP = "tcp-lookup";
  static final String SOCKETMAP_LOOKUP = "socketmap-lookup";
  static final String POLICY = "policy";

  /** What a policy endpoint answers when its application fails: a deferral, as it did there. */
  static final PolicyAction POLICY_ON_ERROR =
      PolicyAction.parse("451 4.3.0 Service temporarily unavailable");

  private static final Set<String> TOP_KEYS = Set.of("user-agent", "endpoints");
  private static final Set<String> ENDPOINT_KEYS =
      Set.of(
          "name",
          "mode",
          "target",
          "bind-address",
          "bind-port",
          "auth-token",
          "request-timeout",
          "list-separator");

  private RestConnectorConfigReader() {}

  /**
   * A configuration read from a postfix-rest-connector file.
   *
   * @param config the equivalent sockmapd configuration
   * @param warnings what behaves differently from a sockmapd config, one sentence each with its
   *     JSON path
   */
  public record Result(SockmapdConfig config, List<String> warnings) {
    public Result {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * True when the document has postfix-rest-connector's shape: {@code endpoints} at the top and
   * none of sockmapd's own sections.
   */
  public static boolean recognizes(JsonNode root) {
    return root.isObject()
        && root.has("endpoints")
        && !root.has("listen")
        && !root.has("maps")
        && !root.has("databases");
  }

  /**
   * Converts a postfix-rest-connector document.
   *
   * @param source names the file in errors
   * @throws ConfigException listing every problem with its JSON path
   */
  public static Result read(JsonNode root, String source) throws ConfigException {
    List<ConfigProblem> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    rejectUnknown(root, "$", TOP_KEYS, problems);
    String userAgent = DEFAULT_USER_AGENT;
    JsonNode agent = root.get("user-agent");
    if (agent != null) {
      if (agent.isTextual()) {
        userAgent = agent.textValue();
      } else {
        problems.add(
            new ConfigProblem(
                "$['user-agent']", "must be a string, got " + JsonObjectReader.describe(agent)));
      }
    }
    List<ListenerConfig> listeners = new ArrayList<>();
    Map<String, DatabaseConfig> databases = new LinkedHashMap<>();
    Map<String, MapConfig> maps = new LinkedHashMap<>();
    Map<String, PolicyConfig> policies = new LinkedHashMap<>();
    Set<String> binds = new HashSet<>();
    JsonNode endpoints = root.get("endpoints");
    if (!endpoints.isArray()) {
      problems.add(
          new ConfigProblem(
              "$.endpoints",
              "must be a list of objects, got " + JsonObjectReader.describe(endpoints)));
    } else {
      for (int i = 0; i < endpoints.size(); i++) {
        String path = "$.endpoints[" + i + "]";
        JsonNode endpoint = endpoints.get(i);
        if (!endpoint.isObject()) {
          problems.add(
              new ConfigProblem(
                  path, "must be an object, got " + JsonObjectReader.describe(endpoint)));
          continue;
        }
        EndpointReader cx =
            new EndpointReader(
                path, endpoint, userAgent, problems, warnings, databases.keySet(), binds);
        cx.read(listeners, databases, maps, policies);
      }
      if (endpoints.isEmpty()) {
        problems.add(new ConfigProblem("$.endpoints", "must list at least one endpoint"));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
    SockmapdConfig config =
        new SockmapdConfig(
            listeners,
            SockmapdConfig.DEFAULT_UNIX_SOCKET_MODE,
            "",
            Limits.defaults(),
            SockmapdConfig.DEFAULT_SHUTDOWN_TIMEOUT,
            databases,
            maps,
            null,
            null,
            policies);
    return new Result(config, warnings);
  }

  private static void rejectUnknown(
      JsonNode object, String path, Set<String> known, List<ConfigProblem> problems) {
    object
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                problems.add(
                    new ConfigProblem(
                        path + "['" + name + "']",
                        "unknown key (postfix-rest-connector refuses it too); known: "
                            + known.stream().sorted().toList()));
              }
            });
  }

  /** One endpoint being read; its problems and warnings go to the document's lists. */
  private record EndpointReader(
      String path,
      JsonNode node,
      String userAgent,
      List<ConfigProblem> problems,
      List<String> warnings,
      Set<String> endpointNames,
      Set<String> binds) {

    void read(
        List<ListenerConfig> listeners,
        Map<String, DatabaseConfig> databases,
        Map<String, MapConfig> maps,
        Map<String, PolicyConfig> policies) {
      rejectUnknown(node, path, ENDPOINT_KEYS, problems);
      int before = problems.size();
      String name = requiredString("name");
      String mode = requiredString("mode");
      String target = requiredString("target");
      String bindAddress = requiredString("bind-address");
      String authToken = requiredString("auth-token");
      int bindPort = port();
      long timeoutMillis = wholeNumber("request-timeout", DEFAULT_REQUEST_TIMEOUT_MILLIS);
      String separator = optionalString("list-separator", HttpTarget.DEFAULT_SEPARATOR);
      HttpTarget.Parameters parameters = null;
      boolean policy = false;
      switch (mode) {
        case TCP_LOOKUP -> parameters = HttpTarget.Parameters.KEY;
        case SOCKETMAP_LOOKUP -> parameters = HttpTarget.Parameters.FORWARDED_NAME_AND_KEY;
        case POLICY -> policy = true;
        case "" -> {} // reported as missing
        default ->
            problem(
                "mode",
                "must be \""
                    + TCP_LOOKUP
                    + "\", \""
                    + SOCKETMAP_LOOKUP
                    + "\" or \""
                    + POLICY
                    + "\", got \""
                    + mode
                    + '"');
      }
      URI url = null;
      if (!target.isEmpty()) {
        try {
          url = HttpUrls.parse(target);
        } catch (IllegalArgumentException e) {
          problem("target", e.getMessage());
        }
      }
      Duration timeout = Duration.ofMillis(timeoutMillis);
      Duration min = DatabaseKeys.LOOKUP_TIMEOUT.min();
      Duration max = DatabaseKeys.LOOKUP_TIMEOUT.max();
      if (timeout.compareTo(min) < 0 || timeout.compareTo(max) > 0) {
        problem(
            "request-timeout",
            "must be from "
                + min.toMillis()
                + " to "
                + max.toMillis()
                + " ms, got "
                + timeoutMillis);
      }
      if (!bindAddress.isEmpty() && bindPort > 0 && !binds.add(bindAddress + " " + bindPort)) {
        problem("bind-port", "another endpoint listens on " + bindAddress + ":" + bindPort);
      }
      if (problems.size() > before || (parameters == null && !policy) || url == null) {
        return;
      }
      // The map's (or policy's) name, also the database's; maps and policies share one namespace
      // here so that each endpoint's database has a name of its own.
      String mapName = uniqueMapName(name);
      Endpoint.Inet inet = new Endpoint.Inet(bindAddress, bindPort);
      ClientAllowList allow = null;
      if (!IpLiteral.isLoopback(bindAddress)) {
        allow = ClientAllowList.parse(List.of("0.0.0.0/0", "::/0"));
        warnings.add(
            path
                + "['bind-address']: "
                + inet
                + " accepts every client, as postfix-rest-connector did; a sockmapd config would"
                + " name the clients in an allow list");
      }
      listeners.add(
          policy
              ? new ListenerConfig(inet, allow, null, mapName)
              : parameters == HttpTarget.Parameters.KEY
                  ? new ListenerConfig(inet, allow, mapName)
                  : ListenerConfig.forwarding(inet, allow, mapName));
      Duration connect =
          timeout.compareTo(DatabaseConfig.DEFAULT_CONNECT_TIMEOUT) < 0
              ? timeout
              : DatabaseConfig.DEFAULT_CONNECT_TIMEOUT;
      databases.put(
          mapName,
          new DatabaseConfig(
              mapName,
              DatabaseType.HTTP,
              List.of(HttpUrls.node(url)),
              "",
              "",
              Secret.none(),
              null,
              DatabaseConfig.DEFAULT_POOL_SIZE,
              connect,
              timeout,
              DatabaseConfig.DEFAULT_RETRY_INTERVAL,
              DatabaseConfig.DEFAULT_MAX_IN_FLIGHT,
              HttpUrls.isTls(url) ? TlsMode.VERIFY_FULL : TlsMode.DISABLE,
              null,
              null,
              new HttpSettings(
                  List.of(url),
                  userAgent,
                  Secret.of(authToken),
                  DatabaseKeys.MAX_RESPONSE_SIZE.defaultValue())));
      if (policy) {
        policies.put(
            mapName,
            new PolicyConfig(
                mapName, List.of(new PolicyConfig.HttpRule(mapName, "")), POLICY_ON_ERROR));
        return;
      }
      // Keys go to the application as Postfix sent them, as postfix-rest-connector sends them.
      maps.put(
          mapName,
          new MapConfig(
              mapName,
              mapName,
              "",
              "%s",
              List.of(),
              0,
              false,
              "",
              List.of(),
              null,
              true,
              List.of(),
              new HttpTarget("", parameters, separator)));
    }

    /** The endpoint's name as a map name: no spaces or ':' (Postfix never sees it), unique. */
    private String uniqueMapName(String name) {
      String base = name.replaceAll("[\\s:]", "_");
      String candidate = base;
      for (int n = 2; endpointNames.contains(candidate); n++) {
        candidate = base + "-" + n;
      }
      return candidate;
    }

    private void problem(String key, String message) {
      problems.add(new ConfigProblem(path + "['" + key + "']", message));
    }

    private String requiredString(String key) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        problem(key, "is required");
        return "";
      }
      if (!value.isTextual()) {
        // auth-token's value is a secret: its type is named, never its text.
        problem(key, "must be a string, got " + JsonObjectReader.describe(value));
        return "";
      }
      return value.textValue();
    }

    private String optionalString(String key, String defaultValue) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return defaultValue;
      }
      if (!value.isTextual()) {
        problem(key, "must be a string, got " + JsonObjectReader.describe(value));
        return defaultValue;
      }
      return value.textValue();
    }

    private long wholeNumber(String key, long defaultValue) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return defaultValue;
      }
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        problem(key, "must be a whole number, got " + JsonObjectReader.describe(value));
        return defaultValue;
      }
      return value.longValue();
    }

    private int port() {
      JsonNode value = node.get("bind-port");
      if (value == null || value.isNull()) {
        problem("bind-port", "is required");
        return 0;
      }
      if (!value.isIntegralNumber() || value.longValue() < 1 || value.longValue() > 65535) {
        problem(
            "bind-port",
            "must be a port number from 1 to 65535, got " + JsonObjectReader.describe(value));
        return 0;
      }
      return value.intValue();
    }
  }
}
