package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sockmapd.config.schema.CacheKeys;
import io.sockmapd.config.schema.DatabaseKeys;
import io.sockmapd.config.schema.Key;
import io.sockmapd.config.schema.LimitKeys;
import io.sockmapd.config.schema.ListenerKeys;
import io.sockmapd.config.schema.MapKeys;
import io.sockmapd.config.schema.PolicyKeys;
import io.sockmapd.config.schema.PolicyRuleKeys;
import io.sockmapd.config.schema.Section;
import io.sockmapd.config.schema.TableKeys;
import io.sockmapd.config.schema.TopLevelKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader reads every key the schema declares: a config that uses each of them loads without an
 * "unknown key". (The other way round holds by construction: the reader takes descriptors only.)
 */
class ConfigSchemaCoverageTest {
  /** Every key of every section, each object of a section using some of them. */
  private static final String EVERY_KEY =
      """
      {"listen": ["inet:127.0.0.1:8732", "unix:/run/sockmapd/sockmapd.sock",
                  {"address": "inet:0.0.0.0:8733", "allow": ["10.0.0.0/8"]},
                  {"address": "inet:127.0.0.1:8734", "protocol": "tcp_table", "map": "virtual"},
                  {"address": "inet:127.0.0.1:8735", "protocol": "policy", "policy": "relay"}],
       "allow": ["192.0.2.0/24"],
       "unix_socket_mode": "0660",
       "unix_socket_group": "root",
       "control_socket": "unix:/run/sockmapd/control.sock",
       "admin_listen": "inet:127.0.0.1:9732",
       "admin_allow": ["127.0.0.0/8"],
       "limits": {"max_request_size": 2000, "max_reply_size": 3000, "max_connections": 10,
                  "max_connections_per_client": 5,
                  "max_pending_requests": 4, "idle_timeout": "1m", "max_buffered_bytes": 1000000,
                  "max_in_flight_per_client": 8},
       "shutdown_timeout": "5s",
       "smtputf8_enable": false,
       "databases": {
         "pg": {"type": "postgresql", "hosts": ["db1:5432"], "database": "mail", "user": "postfix",
                "password": "secret", "pool_size": 2, "connect_timeout": "1s",
                "lookup_timeout": "3s", "max_in_flight": 50, "tls_mode": "verify-full",
                "tls_ca_file": "ca.pem", "retry_interval": "30s"},
         "my": {"type": "mysql", "hosts": ["db2"], "database": "mail", "password_file": "pw"},
         "lite": {"type": "sqlite", "path": "maps.db", "init_sql": "seed.sql"},
         "rest": {"type": "http", "urls": ["https://rest.example.com/api"],
                  "user_agent": "sockmapd", "auth_token_file": "pw",
                  "max_response_size": 65536},
         "rest2": {"type": "http", "urls": ["http://127.0.0.1:9000"], "auth_token": "${T}"}},
       "maps": {
         "virtual": {"database": "pg", "query": "SELECT goto FROM alias WHERE address = '%s'",
                     "result_format": "%s", "domain": ["example.com"], "expansion_limit": 10,
                     "fold_case": true, "smtputf8_enable": true, "recipient_delimiter": "+",
                     "fallback_keys": ["user@domain", "@domain"],
                     "cache": {"ttl": "5m", "negative_ttl": "1m", "max_entries": 1000,
                               "max_bytes": 1000000, "max_key_length": 100, "max_stale": "1h",
                               "listen": true, "channel": "aliases_changed"}},
         "access": {"database": "my", "table": "access", "key": "name", "value": "action",
                    "reason": "why"},
         "list": {"queries": [{"database": "lite", "query": "SELECT 1 WHERE '%s' <> ''"}]},
         "domains": {"database": "rest", "url_path": "/domains", "http_parameters": "key",
                     "value_separator": " "},
         "aliases": {"database": "rest2"}},
       "policies": {
         "relay": {"rules": [{"database": "pg",
                              "query": "SELECT action FROM senders WHERE sender = :sender"},
                             {"database": "rest", "url_path": "/policy"}],
                   "on_error": "451 4.3.0 try again later"}}}
      """;

  private static final JsonNode NO_KEYS = new ObjectMapper().createObjectNode();

  @TempDir Path dir;

  @Test
  void aConfigWithEveryKeyLoads() throws Exception {
    Files.writeString(dir.resolve("pw"), "secret\n");
    SockmapdConfig config =
        new ConfigLoader(name -> name.equals("T") ? "token" : null)
            .parse(EVERY_KEY, "test.json", dir);
    assertThat(config.maps()).containsOnlyKeys("virtual", "access", "list", "domains", "aliases");
    assertThat(config.policies()).containsOnlyKeys("relay");
  }

  @Test
  void theConfigWithEveryKeyUsesEveryKeyOfTheSchema() throws Exception {
    JsonNode root = new ObjectMapper().readTree(EVERY_KEY);
    List<JsonNode> databases = members(root.get("databases"));
    List<JsonNode> maps = members(root.get("maps"));
    List<JsonNode> tables = new ArrayList<>(maps);
    maps.forEach(m -> m.path("queries").forEach(tables::add));
    List<JsonNode> caches = new ArrayList<>();
    maps.forEach(m -> caches.add(m.path("cache")));

    assertUses(TopLevelKeys.SECTION, List.of(root));
    List<JsonNode> listeners = new ArrayList<>();
    root.get("listen").forEach(l -> listeners.add(l.isObject() ? l : NO_KEYS));
    assertUses(ListenerKeys.SECTION, listeners);
    assertUses(LimitKeys.SECTION, List.of(root.get("limits")));
    assertUses(DatabaseKeys.SECTION, databases);
    assertUses(TableKeys.SECTION, tables);
    assertUses(MapKeys.SECTION, maps);
    assertUses(CacheKeys.SECTION, caches);
    List<JsonNode> policies = members(root.get("policies"));
    assertUses(PolicyKeys.SECTION, policies);
    List<JsonNode> rules = new ArrayList<>();
    policies.forEach(p -> p.path("rules").forEach(rules::add));
    assertUses(PolicyRuleKeys.SECTION, rules);
  }

  private static List<JsonNode> members(JsonNode object) {
    List<JsonNode> result = new ArrayList<>();
    object.forEach(result::add);
    return result;
  }

  private static void assertUses(Section section, List<JsonNode> objects) {
    Set<String> used = new TreeSet<>();
    objects.forEach(o -> o.fieldNames().forEachRemaining(used::add));
    Set<String> declared = new TreeSet<>();
    section.keys().stream().map(Key::name).forEach(declared::add);
    assertThat(used).as("keys of " + section.id() + " in EVERY_KEY").containsAll(declared);
  }
}
