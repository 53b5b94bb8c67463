package io.sockmapd.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@code config.json} written for ezplanet/sockmapd (a Go socketmap daemon for MySQL) the
 * way that program reads it, so such a file runs unchanged:
 *
 * <pre>
 * { "sysconfig": { "port": "2224", "logfile": "...", "loglevel": "...",
 *                  "run_as_user": "...", "run_as_group": "..." },
 *   "database":  { "host": ["db1", "db2"], "port": "3306", "username": "...", "password": "..." },
 *   "postmaps":  [ { "service": "NAME", "database": "DBNAME", "table": "T",
 *                    "key": "K", "value": "V", "reason": "R" } ] }
 * </pre>
 *
 * <p>As Go's {@code encoding/json} does, key names match case-insensitively, the last duplicate
 * wins, and unknown keys are ignored (each gets a warning here). Values must have the JSON types
 * that program needs (ports are strings). Its defaults: port 2224 on every IPv4 address, database
 * port 3306 (its driver's default), MySQL only. What it does that sockmapd does not ({@code
 * logfile}, {@code run_as_user}, ...) is reported as a warning, never an error.
 *
 * <p>Each postmap becomes a map named after its {@code service} on a database named after its
 * {@code database}, with the query built by {@link TableQuery}: {@code value}, plus {@code " "
 * reason} when that is not empty, or the key column itself without {@code value}, exactly the data
 * ezplanet/sockmapd answers. Deliberate differences: the names must be plain SQL names (ezplanet
 * pastes them, and the key, into SQL), the status word is always ours ({@code OK} for a row, never
 * taken from the value column), and database errors answer {@code TEMP}, never {@code OK}.
 */
public final class EzplanetConfigReader {
  /** ezplanet/sockmapd's listening port when neither its config nor {@code -p} gives one. */
  public static final int DEFAULT_PORT = 2224;

  private static final int DEFAULT_MYSQL_PORT = 3306;

  private EzplanetConfigReader() {}

  /**
   * A configuration read from an ezplanet-style file.
   *
   * @param config the equivalent sockmapd configuration
   * @param warnings what was ignored or can't be honoured, one sentence each with its JSON path
   */
  public record Result(SockmapdConfig config, List<String> warnings) {
    public Result {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * True when the document has ezplanet's top-level sections ({@code postmaps}, {@code sysconfig}).
   */
  public static boolean recognizes(JsonNode root) {
    if (!root.isObject()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> member : root.properties()) {
      if (member.getKey().equalsIgnoreCase("postmaps")
          || member.getKey().equalsIgnoreCase("sysconfig")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Converts an ezplanet-style document.
   *
   * @param source names the file in errors
   * @throws ConfigException listing every problem with its JSON path
   */
  public static Result read(JsonNode root, String source) throws ConfigException {
    Context cx = new Context();
    warnUnknown(cx, root, "$", Set.of("database", "sysconfig", "postmaps"));

    JsonNode sys = cx.object(root, "$", "sysconfig");
    int port = DEFAULT_PORT;
    if (sys != null) {
      warnUnknown(
          cx,
          sys,
          "$.sysconfig",
          Set.of("port", "loglevel", "logfile", "run_as_user", "run_as_group"));
      port = cx.port(sys, "$.sysconfig", "port", DEFAULT_PORT);
      note(
          cx,
          sys,
          "$.sysconfig",
          "logfile",
          "sockmapd logs through Log4j2 (log4j2.xml), not to a file named here");
      note(cx, sys, "$.sysconfig", "loglevel", "sockmapd takes its log level from Log4j2");
      note(
          cx,
          sys,
          "$.sysconfig",
          "run_as_user",
          "start sockmapd as that user (e.g. systemd User=)");
      note(
          cx,
          sys,
          "$.sysconfig",
          "run_as_group",
          "start sockmapd with that group (e.g. systemd Group=)");
    }

    JsonNode db = cx.object(root, "$", "database");
    List<HostAndPort> hosts = new ArrayList<>();
    String user = "";
    String password = "";
    if (db != null) {
      warnUnknown(cx, db, "$.database", Set.of("host", "port", "username", "password"));
      int dbPort = cx.port(db, "$.database", "port", DEFAULT_MYSQL_PORT);
      JsonNode list = field(db, "host");
      if (list != null && !list.isArray()) {
        cx.problem(
            "$.database.host",
            "must be a list of host names, got " + JsonObjectReader.describe(list));
      } else if (list != null) {
        for (int i = 0; i < list.size(); i++) {
          String path = "$.database.host[" + i + "]";
          if (!list.get(i).isTextual()) {
            cx.problem(path, "must be a string, got " + JsonObjectReader.describe(list.get(i)));
            continue;
          }
          try {
            hosts.add(HostAndPort.parse(list.get(i).textValue(), dbPort));
          } catch (IllegalArgumentException e) {
            cx.problem(path, e.getMessage());
          }
        }
      }
      user = cx.string(db, "$.database", "username");
      password = cx.secretString(db, "$.database", "password");
    }

    Map<String, DatabaseConfig> databases = new LinkedHashMap<>();
    Map<String, MapConfig> maps = new LinkedHashMap<>();
    JsonNode postmaps = field(root, "postmaps");
    if (postmaps != null && !postmaps.isArray()) {
      cx.problem(
          "$.postmaps", "must be a list of objects, got " + JsonObjectReader.describe(postmaps));
    } else if (postmaps != null) {
      for (int i = 0; i < postmaps.size(); i++) {
        String path = "$.postmaps[" + i + "]";
        JsonNode entry = postmaps.get(i);
        if (!entry.isObject()) {
          cx.problem(path, "must be an object, got " + JsonObjectReader.describe(entry));
          continue;
        }
        MapConfig map = readPostmap(cx, entry, path);
        if (map == null) {
          continue;
        }
        if (!databases.containsKey(map.database())) {
          databases.put(map.database(), database(map.database(), hosts, user, password));
        }
        if (maps.remove(map.name()) != null) {
          cx.warn(
              path + ".service",
              "\""
                  + map.name()
                  + "\" is defined again; this later one is used, as in ezplanet/sockmapd");
        }
        maps.put(map.name(), map);
      }
    }
    if (maps.isEmpty()) {
      cx.problem("$.postmaps", "must define at least one map");
    } else if (hosts.isEmpty()) {
      cx.problem("$.database.host", "must name at least one database host");
    }
    if (!cx.problems.isEmpty()) {
      throw new ConfigException(source, cx.problems);
    }
    SockmapdConfig config =
        new SockmapdConfig(
            List.of(new Endpoint.Inet("0.0.0.0", port)),
            SockmapdConfig.DEFAULT_UNIX_SOCKET_MODE,
            Limits.defaults(),
            SockmapdConfig.DEFAULT_SHUTDOWN_TIMEOUT,
            databases,
            maps,
            null);
    return new Result(config, cx.warnings);
  }

  private static @Nullable MapConfig readPostmap(Context cx, JsonNode entry, String path) {
    warnUnknown(cx, entry, path, Set.of("service", "database", "table", "key", "value", "reason"));
    int before = cx.problems.size();
    String service = cx.string(entry, path, "service");
    if (service.isEmpty()) {
      cx.problem(path + ".service", "is required: the map name clients ask for");
    } else if (!service.matches("[^\\s:]+")) {
      cx.problem(path + ".service", "a map name must not contain spaces or ':'");
    }
    String database = cx.string(entry, path, "database");
    if (database.isEmpty()) {
      cx.problem(path + ".database", "is required: the MySQL database holding the table");
    }
    String table = cx.identifier(entry, path, "table");
    String key = cx.identifier(entry, path, "key");
    String value = cx.identifier(entry, path, "value");
    String reason = cx.identifier(entry, path, "reason");
    if (table == null) {
      cx.problem(path + ".table", "is required");
    }
    if (key == null) {
      cx.problem(path + ".key", "is required");
    }
    if (reason != null && value == null) {
      // ezplanet/sockmapd scans two columns out of one here and answers every key "OK ".
      cx.problem(path + ".reason", "needs value");
    }
    if (cx.problems.size() > before || table == null || key == null) {
      return null;
    }
    String query = TableQuery.build(table, key, value, reason);
    // ezplanet/sockmapd sends the key to MySQL as received: no case folding.
    return new MapConfig(
        service,
        database,
        query,
        "%s",
        List.of(),
        0,
        false,
        "",
        List.of(),
        null,
        /* smtputf8Enable= */ true,
        List.of());
  }

  private static DatabaseConfig database(
      String name, List<HostAndPort> hosts, String user, String password) {
    return DatabaseConfig.withDefaults(
        name, DatabaseType.MYSQL, hosts, name, user, Secret.of(password), null);
  }

  private static void note(Context cx, JsonNode object, String path, String key, String advice) {
    JsonNode value = field(object, key);
    if (value != null && !(value.isTextual() && value.textValue().isEmpty())) {
      cx.warn(path + "." + key, "is not honoured: " + advice);
    }
  }

  private static void warnUnknown(Context cx, JsonNode object, String path, Set<String> known) {
    for (Map.Entry<String, JsonNode> member : object.properties()) {
      if (known.stream().noneMatch(k -> k.equalsIgnoreCase(member.getKey()))) {
        cx.warn(
            path + "['" + member.getKey() + "']",
            "unknown key, ignored (as ezplanet/sockmapd does)");
      }
    }
  }

  /**
   * A member looked up as Go's {@code encoding/json} fills a struct field: names compare
   * case-insensitively and a later duplicate overwrites an earlier one; {@code null} is absent.
   */
  private static @Nullable JsonNode field(JsonNode object, String name) {
    JsonNode found = null;
    for (Map.Entry<String, JsonNode> member : object.properties()) {
      if (member.getKey().equalsIgnoreCase(name)) {
        found = member.getValue();
      }
    }
    return found == null || found.isNull() ? null : found;
  }

  /** Problems and warnings collected over one document. */
  private static final class Context {
    final List<ConfigProblem> problems = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    void problem(String path, String message) {
      problems.add(new ConfigProblem(path, message));
    }

    void warn(String path, String message) {
      warnings.add(path + ": " + message);
    }

    @Nullable JsonNode object(JsonNode parent, String path, String key) {
      JsonNode value = field(parent, key);
      if (value != null && !value.isObject()) {
        problem(path + "." + key, "must be an object, got " + JsonObjectReader.describe(value));
        return null;
      }
      return value;
    }

    /** A string member; "" when absent, as Go leaves an unset string field. */
    String string(JsonNode parent, String path, String key) {
      JsonNode value = field(parent, key);
      if (value == null) {
        return "";
      }
      if (!value.isTextual()) {
        problem(path + "." + key, "must be a string, got " + JsonObjectReader.describe(value));
        return "";
      }
      return value.textValue();
    }

    /** A password: as {@link #string}, but a problem never shows the value. */
    String secretString(JsonNode parent, String path, String key) {
      JsonNode value = field(parent, key);
      if (value == null) {
        return "";
      }
      if (!value.isTextual()) {
        problem(path + "." + key, "must be a string (the value is not shown)");
        return "";
      }
      return value.textValue();
    }

    /** A port written as a string ("3306"), as ezplanet/sockmapd's struct declares it. */
    int port(JsonNode parent, String path, String key, int defaultPort) {
      String text = string(parent, path, key);
      if (text.isEmpty()) {
        return defaultPort;
      }
      try {
        int port = Integer.parseInt(text);
        if (port > 0 && port <= 65535 && !text.startsWith("+")) {
          return port;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problem(path + "." + key, "must be a port number from 1 to 65535, got \"" + text + "\"");
      return defaultPort;
    }

    /** A table or column name, validated: null when absent, "" (with a problem) when invalid. */
    @Nullable String identifier(JsonNode parent, String path, String key) {
      String name = string(parent, path, key);
      if (name.isEmpty()) {
        return null;
      }
      String why = TableQuery.identifierProblem(name);
      if (why != null) {
        problem(path + "." + key, why);
        return "";
      }
      return name;
    }
  }
}
