package io.sockmapd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sockmapd.Daemon;
import io.sockmapd.cli.Backends;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.sql.LookupChain;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.PolicyClient;
import io.sockmapd.testing.TestDatabase;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real daemon's {@code "protocol": "policy"} listener over real sockets, with its rules on real
 * PostgreSQL and MariaDB: first rule with an action wins, NULL and no row go on, attributes are
 * bind parameters, invalid actions, deadlines and an unreachable database give {@code on_error},
 * and one connection carries many (pipelined) requests.
 */
class PolicyDelegationTest {
  private static final String ON_ERROR = "451 4.3.0 policy database unavailable";

  @RegisterExtension static final DatabaseExtension DATABASES = new DatabaseExtension();

  @TempDir Path temp;
  private Daemon daemon;

  /** The configuration written for the daemon, which a test may change and reload. */
  private Map<String, Object> config;

  private Path file;

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  /** Starts the daemon with policy "main" on {@code type}'s database and "down" on none. */
  private List<SocketAddress> start(DatabaseType type) throws Exception {
    return start(type, 0);
  }

  /** As {@link #start(DatabaseType)}, with the first listener on {@code mainPort} (0: any). */
  private List<SocketAddress> start(DatabaseType type, int mainPort) throws Exception {
    TestDatabase db = DATABASES.get(type);
    db.execute(
        "DROP TABLE IF EXISTS policy_clients;\n"
            + "DROP TABLE IF EXISTS policy_senders;\n"
            + "CREATE TABLE policy_clients (address VARCHAR(64) PRIMARY KEY, action VARCHAR(300));\n"
            + "CREATE TABLE policy_senders (sender VARCHAR(200) PRIMARY KEY, action VARCHAR(300));\n"
            + "INSERT INTO policy_clients VALUES ('192.0.2.66', 'REJECT client blocked');\n"
            + "INSERT INTO policy_clients VALUES ('192.0.2.67', NULL);\n"
            + "INSERT INTO policy_clients VALUES ('192.0.2.68', 'permit');\n"
            + "INSERT INTO policy_clients VALUES ('192.0.2.69', 'REJECT two lines\naction=OK');\n"
            + "INSERT INTO policy_senders VALUES ('spam@bad.example', '554 5.7.1 sender blocked');\n"
            + "INSERT INTO policy_senders VALUES ('o''brien@x.example', 'HOLD quoted sender');\n");
    String slow =
        type == DatabaseType.POSTGRESQL
            ? "SELECT 'OK' || CAST(pg_sleep(5) AS TEXT) WHERE :sender = 'slow@x.example'"
            : "SELECT CASE WHEN SLEEP(5) = 0 THEN 'OK' END FROM DUAL"
                + " WHERE :sender = 'slow@x.example'";
    Map<String, Object> policies = new LinkedHashMap<>();
    policies.put(
        "main",
        Map.of(
            "rules",
            List.of(
                rule("db", "SELECT action FROM policy_clients WHERE address = :client_address"),
                rule("db", "SELECT action FROM policy_senders WHERE sender = :sender"),
                rule("db", slow)),
            "on_error",
            ON_ERROR));
    policies.put(
        "down", Map.of("rules", List.of(rule("nowhere", "SELECT 'OK' WHERE :sender <> ''"))));
    Map<String, Object> nowhere = database(type, db.config());
    nowhere.put("hosts", List.of("127.0.0.1:1"));
    config = new LinkedHashMap<>();
    config.put(
        "listen",
        List.of(
            Map.of("address", "inet:127.0.0.1:" + mainPort, "protocol", "policy", "policy", "main"),
            Map.of("address", "inet:127.0.0.1:0", "protocol", "policy", "policy", "down")));
    config.put("databases", Map.of("db", database(type, db.config()), "nowhere", nowhere));
    config.put("maps", Map.of("unused", Map.of("database", "db", "query", "SELECT '%s'")));
    config.put("policies", policies);
    file = temp.resolve("sockmapd.json");
    Files.writeString(file, new ObjectMapper().writeValueAsString(config), UTF_8);
    daemon =
        Daemon.start(
            new ConfigLoader().load(file), Backends.DEFAULT, () -> new ConfigLoader().load(file));
    List<SocketAddress> addresses = new ArrayList<>();
    daemon.server().listeners().forEach(l -> addresses.add(l.localAddress()));
    return addresses;
  }

  private static Map<String, Object> rule(String database, String query) {
    return Map.of("database", database, "query", query);
  }

  private static Map<String, Object> database(DatabaseType type, DatabaseConfig db) {
    Map<String, Object> database = new LinkedHashMap<>();
    database.put("type", type.configName());
    database.put("hosts", List.of(db.hosts().get(0).toString()));
    database.put("database", db.database());
    database.put("user", db.user());
    database.put("password", db.password().reveal());
    database.put("lookup_timeout", "1s");
    database.put("connect_timeout", "1s");
    return database;
  }

  private static Map<String, String> request(String clientAddress, String sender) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("client_address", clientAddress);
    attributes.put("sender", sender);
    attributes.put("recipient", "user@dest.example");
    return attributes;
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void theFirstRuleWithAnActionAnswers(DatabaseType type) throws Exception {
    SocketAddress main = start(type).get(0);
    try (PolicyClient client = new PolicyClient(main)) {
      // Rule 1 by client address, even for a sender rule 2 would reject.
      assertThat(client.ask(request("192.0.2.66", "spam@bad.example")))
          .isEqualTo("REJECT client blocked");
      // NULL from rule 1 goes on to rule 2, as does no row.
      assertThat(client.ask(request("192.0.2.67", "spam@bad.example")))
          .isEqualTo("554 5.7.1 sender blocked");
      assertThat(client.ask(request("198.51.100.1", "spam@bad.example")))
          .isEqualTo("554 5.7.1 sender blocked");
      assertThat(client.ask(request("198.51.100.1", "good@x.example"))).isEqualTo("DUNNO");
      // A request without the attribute binds an empty string: no row, DUNNO.
      assertThat(client.ask(Map.of("recipient", "user@dest.example"))).isEqualTo("DUNNO");
    }
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void attributesAreBoundNeverSpliced(DatabaseType type) throws Exception {
    SocketAddress main = start(type).get(0);
    try (PolicyClient client = new PolicyClient(main)) {
      assertThat(client.ask(request("198.51.100.1", "o'brien@x.example")))
          .isEqualTo("HOLD quoted sender");
      assertThat(client.ask(request("198.51.100.1", "x' OR '1'='1"))).isEqualTo("DUNNO");
      assertThat(client.ask(request("192.0.2.66' OR 'a'='a", "x@x.example"))).isEqualTo("DUNNO");
    }
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void invalidActionsDeadlinesAndOutagesAreOnErrorAndTheConnectionLives(DatabaseType type)
      throws Exception {
    List<SocketAddress> listeners = start(type);
    try (PolicyClient client = new PolicyClient(listeners.get(0))) {
      assertThat(client.ask(request("192.0.2.68", "a@x.example"))).isEqualTo(ON_ERROR);
      assertThat(client.ask(request("192.0.2.69", "a@x.example"))).isEqualTo(ON_ERROR);
      long start = System.nanoTime();
      assertThat(client.ask(request("198.51.100.1", "slow@x.example"))).isEqualTo(ON_ERROR);
      // The database's lookup_timeout (1 s), not the 5 s the statement sleeps.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      assertThat(client.ask(request("192.0.2.66", "a@x.example")))
          .isEqualTo("REJECT client blocked");
    }
    try (PolicyClient client = new PolicyClient(listeners.get(1))) {
      assertThat(client.ask(request("198.51.100.1", "a@x.example")))
          .isEqualTo("DEFER_IF_PERMIT Service temporarily unavailable");
    }
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void pipelinedRequestsOnOneConnectionAreAnsweredInOrder(DatabaseType type) throws Exception {
    SocketAddress main = start(type).get(0);
    try (PolicyClient client = new PolicyClient(main)) {
      StringBuilder all = new StringBuilder();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        switch (i % 3) {
          case 0 -> {
            all.append(PolicyClient.request(request("192.0.2.66", "a@x.example")));
            expected.add("REJECT client blocked");
          }
          case 1 -> {
            all.append(PolicyClient.request(request("198.51.100.1", "spam@bad.example")));
            expected.add("554 5.7.1 sender blocked");
          }
          default -> {
            all.append(PolicyClient.request(request("198.51.100.1", "n" + i + "@x.example")));
            expected.add("DUNNO");
          }
        }
      }
      client.send(all.toString());
      List<String> replies = new ArrayList<>();
      for (int i = 0; i < expected.size(); i++) {
        replies.add(client.readReply());
      }
      assertThat(replies).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void aMalformedRequestClosesOnlyItsConnection(DatabaseType type) throws Exception {
    SocketAddress main = start(type).get(0);
    try (PolicyClient client = new PolicyClient(main)) {
      client.send(PolicyClient.request(request("192.0.2.66", "a@x.example")) + "garbage\n\n");
      assertThat(client.readReply()).isEqualTo("REJECT client blocked");
      assertThat(client.closedByServer()).isTrue();
    }
    try (PolicyClient client = new PolicyClient(main)) {
      client.send("sender=" + "x".repeat(10_000) + "\n\n");
      assertThat(client.readReply()).isNull();
    }
    try (PolicyClient client = new PolicyClient(main)) {
      assertThat(client.ask(request("192.0.2.66", "a@x.example")))
          .isEqualTo("REJECT client blocked");
    }
  }

  @Test
  void aReloadReplacesThePolicyButNotAListenersChoiceOfPolicy() throws Exception {
    int mainPort;
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      mainPort = free.getLocalPort();
    }
    SocketAddress main = start(DatabaseType.POSTGRESQL, mainPort).get(0);
    try (PolicyClient client = new PolicyClient(main)) {
      assertThat(client.ask(request("192.0.2.66", "a@x.example")))
          .isEqualTo("REJECT client blocked");
      Map<String, Object> policies = new LinkedHashMap<>();
      policies.put(
          "main",
          Map.of(
              "rules", List.of(rule("db", "SELECT 'HOLD reloaded' WHERE :client_address <> ''"))));
      policies.put("down", Map.of("rules", List.of(rule("db", "SELECT 'OK'"))));
      config.put("policies", policies);
      Files.writeString(file, new ObjectMapper().writeValueAsString(config), UTF_8);
      daemon.reloader().reload().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // The same connection, the new rules.
      assertThat(client.ask(request("192.0.2.66", "a@x.example"))).isEqualTo("HOLD reloaded");

      // The listener would serve another policy: refused as a whole, the old configuration
      // keeps serving.
      config.put(
          "listen",
          List.of(
              Map.of(
                  "address", "inet:127.0.0.1:" + mainPort, "protocol", "policy", "policy", "down"),
              Map.of("address", "inet:127.0.0.1:0", "protocol", "policy", "policy", "down")));
      Files.writeString(file, new ObjectMapper().writeValueAsString(config), UTF_8);
      assertThatThrownBy(
              () -> daemon.reloader().reload().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .hasMessageContaining(
              "the allow list, protocol, map or policy of inet:127.0.0.1:" + mainPort);
      assertThat(client.ask(request("192.0.2.66", "a@x.example"))).isEqualTo("HOLD reloaded");
    }
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void checkPreparesEveryRule(DatabaseType type) throws Exception {
    TestDatabase db = DATABASES.get(type);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("listen", List.of("inet:127.0.0.1:0"));
    config.put("databases", Map.of("db", database(type, db.config())));
    config.put("maps", Map.of("unused", Map.of("database", "db", "query", "SELECT '%s'")));
    config.put(
        "policies",
        Map.of(
            "main",
            Map.of(
                "rules",
                List.of(
                    rule("db", "SELECT 'OK' WHERE :sender <> ''"),
                    rule("db", "SELECT action FROM no_such_table WHERE sender = :sender")))));
    Path file = temp.resolve("check.json");
    Files.writeString(file, new ObjectMapper().writeValueAsString(config), UTF_8);
    var backend = LookupChain.sqlMaps(DATABASES.vertx(), new ConfigLoader().load(file));
    try {
      List<String> problems = backend.check().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(problems).hasSize(1);
      assertThat(problems.get(0))
          .startsWith("policy main rule 2 (database db): query error")
          .contains("no_such_table");
    } finally {
      backend.close(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
