package io.sockmapd.config.importer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.Durations;
import io.sockmapd.config.schema.DatabaseKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A table file's connection parameters as a sockmapd {@code databases} entry: hosts, login, TLS and
 * the engine's own settings, with what sockmapd does differently reported.
 */
final class DatabaseTranslator {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> NETWORK =
      Set.of("hosts", "user", "password", "dbname", "retry_interval", "idle_interval");

  private final TableFile table;

  DatabaseTranslator(TableFile table) {
    this.table = table;
  }

  /** The database entry; null when it can't be written (the table's errors say why). */
  @Nullable ObjectNode database() {
    return table.type == DatabaseType.SQLITE ? sqlite() : network();
  }

  private @Nullable ObjectNode sqlite() {
    String dbpath = table.get("dbpath");
    if (dbpath == null || dbpath.isEmpty()) {
      table.error("dbpath is required for a sqlite table");
      return null;
    }
    if (!Path.of(dbpath).isAbsolute()) {
      table.warn(
          "dbpath \""
              + dbpath
              + "\" is relative: sockmapd resolves it against the folder of its"
              + " config file, Postfix against the daemon's working directory; use an absolute"
              + " path");
    }
    for (String name : NETWORK) {
      if (table.get(name) != null) {
        table.warn("parameter " + name + " does not apply to sqlite; ignored");
      }
    }
    ObjectNode db = NODES.objectNode();
    db.put(DatabaseKeys.TYPE.name(), DatabaseType.SQLITE.configName());
    db.put(DatabaseKeys.PATH.name(), dbpath);
    return db;
  }

  private ObjectNode network() {
    ObjectNode db = NODES.objectNode();
    db.put(DatabaseKeys.TYPE.name(), table.type.configName());
    ArrayNode hosts = db.putArray(DatabaseKeys.HOSTS.name());
    String hostList = table.get("hosts");
    if (hostList == null || hostList.isBlank()) {
      hostList = "localhost";
      table.warn("no hosts given: Postfix's default localhost is used");
    }
    int before = table.errorCount();
    for (String host : PostfixLists.words(hostList)) {
      addHost(hosts, host);
    }
    if (hosts.isEmpty() && table.errorCount() == before) {
      table.error("no TCP host left to connect to; add one such as hosts = inet:127.0.0.1");
    }
    String dbname = table.get("dbname");
    if (dbname == null || dbname.isEmpty()) {
      table.error("dbname is required");
    } else {
      db.put(DatabaseKeys.DATABASE.name(), dbname);
    }
    String user = table.get("user");
    if (user != null && !user.isEmpty()) {
      db.put(DatabaseKeys.USER.name(), user);
    }
    String password = table.get("password");
    if (password != null && !password.isEmpty()) {
      db.put(DatabaseKeys.PASSWORD.name(), password);
      if (password.contains("${")) {
        table.warn(
            "the password contains \"${\", which sockmapd reads as an environment variable"
                + " reference: put it in a password_file instead");
      }
    }
    String retry = table.get("retry_interval");
    if (retry != null) {
      if (Durations.parse(retry) == null) {
        table.error("retry_interval must be a time such as 60s, got \"" + retry + "\"");
      } else {
        db.put(DatabaseKeys.RETRY_INTERVAL.name(), retry.strip());
      }
    }
    if (table.get("idle_interval") != null) {
      table.warn("idle_interval ignored: sockmapd keeps a pool of open connections per database");
    }
    if (table.type == DatabaseType.MYSQL) {
      mysqlSettings(db);
    } else {
      pgsqlSettings();
    }
    return db;
  }

  private void addHost(ArrayNode hosts, String host) {
    if (host.startsWith("postgresql://") || host.startsWith("postgres://")) {
      table.error(
          "connection URIs are not supported; write the host, dbname, user and password as"
              + " separate parameters");
      return;
    }
    if (host.startsWith("unix:") || host.startsWith("/")) {
      table.warn(
          "host "
              + host
              + " skipped: sockmapd connects over TCP only (inet:), not over"
              + " UNIX-domain sockets");
      return;
    }
    String tcp = host.startsWith("inet:") ? host.substring("inet:".length()) : host;
    if (table.type == DatabaseType.MYSQL && tcp.equals("localhost")) {
      table.warn(
          "host localhost: Postfix's MySQL client uses the local UNIX-domain socket for it,"
              + " sockmapd connects to localhost over TCP port 3306; check that the server"
              + " listens there and that the user may log in from 127.0.0.1/::1");
    }
    // With the port written out, "db" and "inet:db:5432" are seen as the same database.
    boolean hasPort = tcp.startsWith("[") ? tcp.contains("]:") : tcp.indexOf(':') >= 0;
    hosts.add(hasPort ? tcp : tcp + ":" + table.type.defaultPort());
  }

  private void mysqlSettings(ObjectNode db) {
    String caFile = table.get("tls_CAfile");
    boolean verifyHost = "yes".equalsIgnoreCase(String.valueOf(table.get("tls_verify_cert")));
    if (caFile != null && !caFile.isEmpty()) {
      db.put(DatabaseKeys.TLS_MODE.name(), verifyHost ? "verify-full" : "verify-ca");
      db.put(DatabaseKeys.TLS_CA_FILE.name(), caFile);
    } else if (verifyHost) {
      table.error("tls_verify_cert = yes needs tls_CAfile in sockmapd (a CA bundle file)");
    }
    for (String name : List.of("tls_cert_file", "tls_key_file")) {
      if (table.get(name) != null) {
        table.warn(name + " ignored: sockmapd does not log in with client certificates");
      }
    }
    if (table.get("tls_CApath") != null) {
      table.warn("tls_CApath ignored: sockmapd needs a single CA bundle file (tls_CAfile)");
    }
    if (table.get("tls_ciphers") != null) {
      table.warn("tls_ciphers ignored: sockmapd uses the JVM's TLS defaults");
    }
    for (String name : List.of("option_file", "option_group")) {
      if (table.get(name) != null) {
        table.warn(
            name + " ignored: sockmapd does not read my.cnf; put its settings in the config");
      }
    }
    String requireResultSet = table.get("require_result_set");
    if (requireResultSet != null && !"yes".equalsIgnoreCase(requireResultSet)) {
      table.warn(
          "require_result_set = "
              + requireResultSet
              + " is not supported: sockmapd expects every query to return a result set");
    }
  }

  private void pgsqlSettings() {
    String encoding = table.get("encoding");
    if (encoding != null && !encoding.equalsIgnoreCase("UTF8")) {
      table.warn("encoding = " + encoding + " ignored: sockmapd talks UTF-8 to PostgreSQL");
    }
  }
}
