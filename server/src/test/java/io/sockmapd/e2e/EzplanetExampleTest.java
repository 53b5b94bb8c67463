package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.Daemon;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.TestDatabase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code examples/ezplanet} config and schema, run as shipped: schema.sql loaded into
 * MariaDB (its database and login renamed to this test's own), config.json changed only in the
 * values that point at that database and in the listening port, read by the normal config loader,
 * and queried over a real socket.
 */
class EzplanetExampleTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  private static final Path EXAMPLE = Examples.ROOT.resolve("ezplanet");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;
  private Daemon daemon;

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void answersFromTheShippedSchemaAsEzplanetDid() throws Exception {
    TestDatabase db = DBS.get(DatabaseType.MYSQL);
    String login = db.config().database(); // unique per run, like the database
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
    loadSchema(db, login, password);
    try {
      HostAndPort host = db.config().hosts().get(0);
      daemon = start(host.host(), host.port(), db.config().database(), login, password);

      try (BlockingSocketmapClient client = connect(daemon)) {
        // Rows: value, plus " reason" when the reason is neither NULL nor empty.
        assertThat(reply(client, "blacklist", "spammer@example.net"))
            .isEqualTo("OK REJECT Sender identified as spammer");
        assertThat(reply(client, "blacklist", "partner.example.com")).isEqualTo("OK OK");
        assertThat(reply(client, "blacklist", "bulk.example.net")).isEqualTo("OK DISCARD");
        // No value column: the key column itself answers (a presence check).
        assertThat(reply(client, "recipient", "someone@example.org"))
            .isEqualTo("OK someone@example.org");
        assertThat(reply(client, "blacklist", "friend@example.net")).isEqualTo("NOTFOUND ");
        assertThat(reply(client, "recipient", "nobody@example.org")).isEqualTo("NOTFOUND ");
        // The key goes to MariaDB as sent (no folding, as in ezplanet/sockmapd); the table's
        // case-insensitive collation matches it, and the answer is the stored column.
        assertThat(reply(client, "recipient", "Someone@Example.ORG"))
            .isEqualTo("OK someone@example.org");
      }
    } finally {
      db.execute("DROP USER IF EXISTS '" + login + "'@'127.0.0.1'");
    }
  }

  @Test
  void databaseDownIsTempNeverOk() throws Exception {
    int closedPort = Examples.freePort(); // nothing listens there
    daemon = start("127.0.0.1", closedPort, "sockmapd_example", "sockmapd", "change-me");

    try (BlockingSocketmapClient client = connect(daemon)) {
      assertThat(reply(client, "blacklist", "spammer@example.net")).startsWith("TEMP ");
      assertThat(reply(client, "recipient", "someone@example.org")).startsWith("TEMP ");
    }
  }

  /** schema.sql with its database and login names made this test's own. */
  private static void loadSchema(TestDatabase db, String login, String password) throws Exception {
    String schema =
        Files.readString(EXAMPLE.resolve("schema.sql"))
            .replace("sockmapd_example", db.config().database())
            .replace("'sockmapd'@", "'" + login + "'@")
            .replace("IDENTIFIED BY 'change-me'", "IDENTIFIED BY '" + password + "'");
    assertThat(schema).contains("CREATE USER IF NOT EXISTS '" + login + "'@'127.0.0.1'");
    db.execute(schema);
  }

  /**
   * config.json with the database location and login replaced, and a free port; everything else,
   * the ezplanet format included, as shipped.
   */
  private Daemon start(String host, int port, String database, String user, String password)
      throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(EXAMPLE.resolve("config.json").toFile());
    ObjectNode connection = (ObjectNode) root.get("database");
    connection.putArray("host").add(host);
    connection.put("port", Integer.toString(port));
    connection.put("username", user);
    connection.put("password", password);
    ((ObjectNode) root.get("sysconfig")).put("port", Integer.toString(Examples.freePort()));
    for (var postmap : (ArrayNode) root.get("postmaps")) {
      ((ObjectNode) postmap).put("database", database);
    }
    Path config = temp.resolve("config.json");
    Files.writeString(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    return Examples.startDaemon(config);
  }

  private static BlockingSocketmapClient connect(Daemon daemon) throws Exception {
    return BlockingSocketmapClient.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.server().port()),
        Duration.ofSeconds(30));
  }

  /** The reply's payload exactly as sent. */
  private static String reply(BlockingSocketmapClient client, String map, String key)
      throws Exception {
    client.writeRequest(map, key);
    return new String(client.readPayload(), StandardCharsets.UTF_8);
  }
}
