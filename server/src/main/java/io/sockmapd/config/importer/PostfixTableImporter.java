package io.sockmapd.config.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Converts Postfix {@code pgsql:}, {@code mysql:} and {@code sqlite:} table files (pgsql_table(5),
 * mysql_table(5), sqlite_table(5)) into one sockmapd JSON configuration.
 *
 * <ul>
 *   <li>Each file becomes a map named after the file ({@code virtual_alias_maps.cf} → {@code
 *       virtual_alias_maps}).
 *   <li>The engine comes from the argument's prefix ({@code pgsql:/etc/postfix/x.cf}, as written in
 *       main.cf; a leading {@code proxy:} is dropped), else from the default type given, else from
 *       the file: {@code dbpath} means sqlite, a MySQL-only parameter ({@code option_file}, {@code
 *       tls_*}, ...) mysql, {@code select_function} pgsql; otherwise it is an error.
 *   <li>Files with the same connection settings share one database entry, named after {@code
 *       dbname} (sqlite: the database file's name).
 *   <li>Everything sockmapd can't do the same way is reported: warnings when the output still
 *       behaves as the table did or the difference is harmless, errors (and no output) when it
 *       would not.
 * </ul>
 */
public final class PostfixTableImporter {
  /** The listening endpoint written into the generated configuration. */
  public static final String DEFAULT_LISTEN = "inet:127.0.0.1:8732";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern TYPE_PREFIX = Pattern.compile("([a-z]+):(.*)", Pattern.DOTALL);
  private static final Pattern LIST_ITEM = Pattern.compile("[^\\s,]+");
  private static final Pattern EXPANSION = Pattern.compile("%(.)");

  private static final Set<String> NETWORK =
      Set.of("hosts", "user", "password", "dbname", "retry_interval", "idle_interval");
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

  private PostfixTableImporter() {}

  /**
   * What the import produced.
   *
   * @param json the pretty-printed configuration; null when there are errors
   * @param warnings things to review, each naming its file; the output is still usable
   * @param errors why there is no output
   */
  public record Result(@Nullable String json, List<String> warnings, List<String> errors) {
    public Result {
      warnings = List.copyOf(warnings);
      errors = List.copyOf(errors);
    }
  }

  /**
   * The engine named by a Postfix table type ({@code pgsql}, {@code mysql}, {@code sqlite}), or
   * null for any other name.
   */
  public static @Nullable DatabaseType typeOf(String postfixType) {
    return switch (postfixType) {
      case "pgsql" -> DatabaseType.POSTGRESQL;
      case "mysql" -> DatabaseType.MYSQL;
      case "sqlite" -> DatabaseType.SQLITE;
      default -> null;
    };
  }

  /**
   * Imports table files.
   *
   * @param tables {@code [pgsql:|mysql:|sqlite:]FILE.cf}, as in main.cf
   * @param defaultType the engine of files without a prefix, or null to tell from their contents
   * @param mainCf Postfix's main.cf, read for {@code recipient_delimiter}; null if not given
   */
  public static Result importTables(
      List<String> tables, @Nullable DatabaseType defaultType, @Nullable Path mainCf) {
    Run run = new Run();
    String delimiter = null;
    if (mainCf != null) {
      Map<String, String> main = run.readCf(mainCf.toString(), mainCf);
      delimiter = main == null ? null : main.getOrDefault("recipient_delimiter", "");
    }
    for (String table : tables) {
      run.importTable(table, defaultType, delimiter);
    }
    if (run.maps.isEmpty() && run.errors.isEmpty()) {
      run.errors.add("no table files given");
    }
    if (run.passwords) {
      run.warnings.add(
          "the output contains database passwords as given in the .cf files: keep it private, or"
              + " move them to \"password_file\" or \"${ENV_VAR}\" references");
    }
    if (!run.errors.isEmpty()) {
      return new Result(null, run.warnings, run.errors);
    }
    ObjectNode root = NODES.objectNode();
    root.putArray("listen").add(DEFAULT_LISTEN);
    root.putObject("databases").setAll(run.databases);
    root.putObject("maps").setAll(run.maps);
    String json;
    try {
      json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    // Whatever we emit must load; ${...} in a copied password is not resolved for this check.
    try {
      new ConfigLoader(name -> "").parse(json, "imported config", Path.of(""));
    } catch (ConfigException e) {
      run.errors.add("the generated configuration does not load: " + e.getMessage());
      return new Result(null, run.warnings, run.errors);
    }
    return new Result(json, run.warnings, run.errors);
  }

  /** The state of one import: what was built so far and what was found wrong. */
  private static final class Run {
    final List<String> warnings = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final Map<String, ObjectNode> databases = new LinkedHashMap<>();
    final Map<String, ObjectNode> maps = new LinkedHashMap<>();
    boolean passwords;

    @Nullable Map<String, String> readCf(String label, Path file) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        errors.add(label + ": cannot read: no such file");
        return null;
      } catch (IOException e) {
        errors.add(label + ": cannot read: " + e.getMessage());
        return null;
      }
      int before = errors.size();
      Map<String, String> parameters =
          PostfixConfigFile.parse(
              lines, w -> warnings.add(label + ", " + w), e -> errors.add(label + ", " + e));
      return errors.size() > before ? null : parameters;
    }

    void importTable(
        String argument, @Nullable DatabaseType defaultType, @Nullable String delimiter) {
      String rest = argument;
      DatabaseType prefixType = null;
      Matcher m = TYPE_PREFIX.matcher(rest);
      if (m.matches() && "proxy".equals(m.group(1))) {
        warnings.add(
            argument + ": \"proxy:\" dropped; a socketmap table needs no proxymap(8) in front");
        rest = m.group(2);
        m = TYPE_PREFIX.matcher(rest);
      }
      if (m.matches()) {
        prefixType = typeOf(m.group(1));
        if (prefixType == null) {
          errors.add(
              argument + ": not an SQL table (pgsql:, mysql: or sqlite:): " + m.group(1) + ":");
          return;
        }
        rest = m.group(2);
      }
      Path file = Path.of(rest);
      String label = file.toString();
      Map<String, String> p = readCf(label, file);
      if (p == null) {
        return;
      }
      DatabaseType type = prefixType != null ? prefixType : defaultType;
      if (type == null) {
        type = guessType(p);
        if (type == null) {
          errors.add(
              label
                  + ": cannot tell pgsql from mysql by its contents: write pgsql:"
                  + label
                  + " or mysql:"
                  + label
                  + ", or give the type (--type)");
          return;
        }
      }
      new TableFile(this, label, file, type, p).convert(delimiter);
    }

    static @Nullable DatabaseType guessType(Map<String, String> p) {
      if (p.containsKey("dbpath")) {
        return DatabaseType.SQLITE;
      }
      if (p.keySet().stream().anyMatch(MYSQL_ONLY::contains)) {
        return DatabaseType.MYSQL;
      }
      if (p.keySet().stream().anyMatch(PGSQL_ONLY::contains)) {
        return DatabaseType.POSTGRESQL;
      }
      return null;
    }

    /** The name of a database entry equal to {@code db}, adding it when new. */
    String databaseName(String preferred, ObjectNode db) {
      String name = preferred.isEmpty() ? "db" : preferred;
      for (int n = 2; ; n++) {
        ObjectNode existing = databases.get(name);
        if (existing == null) {
          databases.put(name, db);
          return name;
        }
        if (existing.equals(db)) {
          return name;
        }
        name = (preferred.isEmpty() ? "db" : preferred) + "_" + n;
      }
    }
  }

  /** One table file being converted. */
  private static final class TableFile {
    final Run run;
    final String label;
    final Path file;
    final DatabaseType type;
    final Map<String, String> p;
    final Set<String> used = new HashSet<>();

    TableFile(Run run, String label, Path file, DatabaseType type, Map<String, String> p) {
      this.run = run;
      this.label = label;
      this.file = file;
      this.type = type;
      this.p = p;
    }

    void warn(String message) {
      run.warnings.add(label + ": " + message);
    }

    void error(String message) {
      run.errors.add(label + ": " + message);
    }

    @Nullable String get(String name) {
      used.add(name);
      return p.get(name);
    }

    void convert(@Nullable String delimiter) {
      String fileName = file.getFileName() == null ? label : file.getFileName().toString();
      String mapName =
          fileName.endsWith(".cf") ? fileName.substring(0, fileName.length() - 3) : fileName;
      if (!mapName.matches("[^\\s:]+")) {
        error(
            "the map name \"" + mapName + "\" (from the file name) must not contain spaces or ':'");
        return;
      }
      if (run.maps.containsKey(mapName)) {
        error("a map named \"" + mapName + "\" comes from another file already; rename one file");
        return;
      }
      int before = run.errors.size();
      ObjectNode db = type == DatabaseType.SQLITE ? sqliteDatabase() : networkDatabase();
      ObjectNode map = map(delimiter);
      for (String name : p.keySet()) {
        if (!used.contains(name)) {
          warn("parameter " + name + " is unknown to " + postfixType() + "_table(5); ignored");
        }
      }
      if (db == null || map == null || run.errors.size() > before) {
        return;
      }
      String preferred =
          type == DatabaseType.SQLITE
              ? baseName(Path.of(db.get("path").asText()))
              : db.get("database").asText();
      ObjectNode result = NODES.objectNode();
      result.put("database", run.databaseName(preferred, db));
      result.setAll(map);
      run.maps.put(mapName, result);
    }

    String postfixType() {
      return switch (type) {
        case POSTGRESQL -> "pgsql";
        case MYSQL -> "mysql";
        case SQLITE -> "sqlite";
      };
    }

    @Nullable ObjectNode sqliteDatabase() {
      String dbpath = get("dbpath");
      if (dbpath == null || dbpath.isEmpty()) {
        error("dbpath is required for a sqlite table");
        return null;
      }
      if (!Path.of(dbpath).isAbsolute()) {
        warn(
            "dbpath \""
                + dbpath
                + "\" is relative: sockmapd resolves it against the folder of its"
                + " config file, Postfix against the daemon's working directory; use an absolute"
                + " path");
      }
      for (String name : NETWORK) {
        if (get(name) != null) {
          warn("parameter " + name + " does not apply to sqlite; ignored");
        }
      }
      ObjectNode db = NODES.objectNode();
      db.put("type", DatabaseType.SQLITE.configName());
      db.put("path", dbpath);
      return db;
    }

    @Nullable ObjectNode networkDatabase() {
      ObjectNode db = NODES.objectNode();
      db.put("type", type.configName());
      ArrayNode hosts = db.putArray("hosts");
      String hostList = get("hosts");
      if (hostList == null || hostList.isBlank()) {
        hostList = "localhost";
        warn("no hosts given: Postfix's default localhost is used");
      }
      int before = run.errors.size();
      for (String host : words(hostList)) {
        addHost(hosts, host);
      }
      if (hosts.isEmpty() && run.errors.size() == before) {
        error("no TCP host left to connect to; add one such as hosts = inet:127.0.0.1");
      }
      String dbname = get("dbname");
      if (dbname == null || dbname.isEmpty()) {
        error("dbname is required");
      } else {
        db.put("database", dbname);
      }
      String user = get("user");
      if (user != null && !user.isEmpty()) {
        db.put("user", user);
      }
      String password = get("password");
      if (password != null && !password.isEmpty()) {
        db.put("password", password);
        run.passwords = true;
        if (password.contains("${")) {
          warn(
              "the password contains \"${\", which sockmapd reads as an environment variable"
                  + " reference: put it in a password_file instead");
        }
      }
      String retry = get("retry_interval");
      if (retry != null) {
        if (Durations.parse(retry) == null) {
          error("retry_interval must be a time such as 60s, got \"" + retry + "\"");
        } else {
          db.put("retry_interval", retry.strip());
        }
      }
      if (get("idle_interval") != null) {
        warn("idle_interval ignored: sockmapd keeps a pool of open connections per database");
      }
      if (type == DatabaseType.MYSQL) {
        mysqlSettings(db);
      } else {
        pgsqlSettings();
      }
      return db;
    }

    void addHost(ArrayNode hosts, String host) {
      if (host.startsWith("postgresql://") || host.startsWith("postgres://")) {
        error(
            "connection URIs are not supported; write the host, dbname, user and password as"
                + " separate parameters");
        return;
      }
      if (host.startsWith("unix:") || host.startsWith("/")) {
        warn(
            "host "
                + host
                + " skipped: sockmapd connects over TCP only (inet:), not over"
                + " UNIX-domain sockets");
        return;
      }
      String tcp = host.startsWith("inet:") ? host.substring("inet:".length()) : host;
      if (type == DatabaseType.MYSQL && tcp.equals("localhost")) {
        warn(
            "host localhost: Postfix's MySQL client uses the local UNIX-domain socket for it,"
                + " sockmapd connects to localhost over TCP port 3306; check that the server"
                + " listens there and that the user may log in from 127.0.0.1/::1");
      }
      // With the port written out, "db" and "inet:db:5432" are seen as the same database.
      boolean hasPort = tcp.startsWith("[") ? tcp.contains("]:") : tcp.indexOf(':') >= 0;
      hosts.add(hasPort ? tcp : tcp + ":" + type.defaultPort());
    }

    void mysqlSettings(ObjectNode db) {
      String caFile = get("tls_CAfile");
      boolean verifyHost = "yes".equalsIgnoreCase(String.valueOf(get("tls_verify_cert")));
      if (caFile != null && !caFile.isEmpty()) {
        db.put("tls_mode", verifyHost ? "verify-full" : "verify-ca");
        db.put("tls_ca_file", caFile);
      } else if (verifyHost) {
        error("tls_verify_cert = yes needs tls_CAfile in sockmapd (a CA bundle file)");
      }
      for (String name : List.of("tls_cert_file", "tls_key_file")) {
        if (get(name) != null) {
          warn(name + " ignored: sockmapd does not log in with client certificates");
        }
      }
      if (get("tls_CApath") != null) {
        warn("tls_CApath ignored: sockmapd needs a single CA bundle file (tls_CAfile)");
      }
      if (get("tls_ciphers") != null) {
        warn("tls_ciphers ignored: sockmapd uses the JVM's TLS defaults");
      }
      for (String name : List.of("option_file", "option_group")) {
        if (get(name) != null) {
          warn(name + " ignored: sockmapd does not read my.cnf; put its settings in the config");
        }
      }
      String requireResultSet = get("require_result_set");
      if (requireResultSet != null && !"yes".equalsIgnoreCase(requireResultSet)) {
        warn(
            "require_result_set = "
                + requireResultSet
                + " is not supported: sockmapd expects every query to return a result set");
      }
    }

    void pgsqlSettings() {
      String encoding = get("encoding");
      if (encoding != null && !encoding.equalsIgnoreCase("UTF8")) {
        warn("encoding = " + encoding + " ignored: sockmapd talks UTF-8 to PostgreSQL");
      }
    }

    @Nullable ObjectNode map(@Nullable String delimiter) {
      ObjectNode map = NODES.objectNode();
      String query = query();
      if (query == null) {
        return null;
      }
      map.put("query", query);
      String resultFormat = get("result_format");
      if (resultFormat != null && !resultFormat.equals("%s")) {
        map.put("result_format", resultFormat);
      }
      String domain = get("domain");
      if (domain != null && !domain.isBlank()) {
        ArrayNode domains = map.putArray("domain");
        for (String entry : words(domain)) {
          addDomain(domains, entry);
        }
      }
      String limit = get("expansion_limit");
      if (limit != null) {
        try {
          int value = Integer.parseInt(limit.strip());
          if (value < 0) {
            throw new NumberFormatException();
          }
          if (value > 0) {
            map.put("expansion_limit", value);
          }
        } catch (NumberFormatException e) {
          error("expansion_limit must be a whole number from 0, got \"" + limit + "\"");
        }
      }
      if (usesOnlyTheFullKey(query)) {
        String example = delimiter == null ? "+" : delimiter;
        warn(
            "the query uses only %s. Postfix also looks up partial keys (user@domain, user, @domain)"
                + " in this table where the caller does (e.g. virtual_alias_maps), but a socketmap"
                + " receives only the full key. To keep those answers, add to the map"
                + (delimiter != null && delimiter.isEmpty()
                    ? " \"fallback_keys\": [\"@domain\"] (main.cf has no recipient_delimiter)"
                    : " \"fallback_keys\": [\"user@domain\", \"@domain\"] and"
                        + " \"recipient_delimiter\": \""
                        + example
                        + "\""
                        + (delimiter == null
                            ? " (or your main.cf recipient_delimiter; --main-cf reads it)"
                            : ""))
                + ".");
      }
      return map;
    }

    /** Postfix's precedence: query, then (pgsql) select_function, then the legacy fields. */
    @Nullable String query() {
      String query = get("query");
      String function = type == DatabaseType.POSTGRESQL ? get("select_function") : null;
      List<String> legacyNames =
          List.of("select_field", "table", "where_field", "additional_conditions");
      Map<String, String> legacy = new LinkedHashMap<>();
      for (String name : legacyNames) {
        String value = get(name);
        if (value != null) {
          legacy.put(name, value);
        }
      }
      if (query != null && !query.isEmpty()) {
        if (function != null || !legacy.isEmpty()) {
          warn(
              "query is set, so "
                  + (function != null ? "select_function and " : "")
                  + "the legacy select_field/table/where_field/additional_conditions are ignored, as"
                  + " in Postfix");
        }
        return query;
      }
      if (function != null && !function.isEmpty()) {
        return "SELECT " + function + "('%s')";
      }
      List<String> missing = new ArrayList<>();
      for (String name : legacyNames.subList(0, 3)) {
        if (legacy.getOrDefault(name, "").isEmpty()) {
          missing.add(name);
        }
      }
      if (!missing.isEmpty()) {
        error(
            "no query: give query, or select_field, table and where_field (missing: "
                + String.join(", ", missing)
                + ")");
        return null;
      }
      // The exact text Postfix builds (db_common_sql_build_query), minus a trailing blank.
      return ("SELECT "
              + legacy.get("select_field")
              + " FROM "
              + legacy.get("table")
              + " WHERE "
              + legacy.get("where_field")
              + "='%s' "
              + legacy.getOrDefault("additional_conditions", ""))
          .strip();
    }

    void addDomain(ArrayNode domains, String entry) {
      if (entry.startsWith("!")) {
        error("domain: negated entries (" + entry + ") are not supported");
      } else if (entry.startsWith("/")) {
        try {
          for (String line : Files.readAllLines(Path.of(entry), StandardCharsets.UTF_8)) {
            String content = line.strip();
            if (!content.isEmpty() && !content.startsWith("#")) {
              for (String name : words(content)) {
                addDomain(domains, name);
              }
            }
          }
          warn("domain: the names in " + entry + " were copied into the map's domain list");
        } catch (IOException e) {
          error("domain: cannot read " + entry + ": " + e.getMessage());
        }
      } else if (entry.indexOf(':') >= 0) {
        error(
            "domain: lookup tables ("
                + entry
                + ") are not supported; list the domain names"
                + " instead");
      } else {
        domains.add(entry.toLowerCase(Locale.ROOT));
      }
    }
  }

  /** True when the query expands the key only as a whole ({@code %s}/{@code %S}). */
  static boolean usesOnlyTheFullKey(String query) {
    Matcher m = EXPANSION.matcher(query);
    boolean full = false;
    while (m.find()) {
      char c = m.group(1).charAt(0);
      if (c == 's' || c == 'S') {
        full = true;
      } else if (c != '%') {
        return false;
      }
    }
    return full;
  }

  /** The items of a Postfix list: separated by whitespace and/or commas. */
  private static List<String> words(String text) {
    List<String> items = new ArrayList<>();
    Matcher m = LIST_ITEM.matcher(text);
    while (m.find()) {
      items.add(m.group());
    }
    return items;
  }

  private static String baseName(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
