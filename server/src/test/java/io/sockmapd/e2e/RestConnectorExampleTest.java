package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.Daemon;
import io.sockmapd.testing.Postmap;
import io.sockmapd.testing.Postmap.Run;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped postfix-rest-connector config ({@code examples/postfix-rest-connector/rest.json}),
 * run as shipped but for its ports (the REST application's and the listeners'), by the normal
 * loader and the daemon, asked by Postfix's own {@code postmap} over {@code tcp:} and {@code
 * socketmap:}; a real HTTP server plays the REST application and records what it was asked.
 */
class RestConnectorExampleTest {
  private static final Path EXAMPLE = Examples.ROOT.resolve("postfix-rest-connector");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path temp;
  private static Postmap postmap;
  private static Vertx vertx;
  private static HttpServer application;
  private static Daemon daemon;
  private static final List<String> asked = new CopyOnWriteArrayList<>();
  private static String tcpTable;
  private static String socketmapPrefix;

  @BeforeAll
  static void start() throws Exception {
    Path conf = Files.createDirectories(temp.resolve("postfix"));
    postmap = Postmap.require(conf, Postmap.MAIN_CF, "tcp", "socketmap");
    vertx = Vertx.vertx();
    application =
        vertx
            .createHttpServer()
            .requestHandler(RestConnectorExampleTest::answer)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);

    ObjectNode root = (ObjectNode) JSON.readTree(EXAMPLE.resolve("rest.json").toFile());
    int tcpPort = Examples.freePort();
    int socketmapPort = Examples.freePort();
    for (var endpoint : root.get("endpoints")) {
      ObjectNode e = (ObjectNode) endpoint;
      e.put(
          "target",
          e.get("target").asText().replace(":9000/", ":" + application.actualPort() + "/"));
      e.put("bind-port", e.get("mode").asText().equals("tcp-lookup") ? tcpPort : socketmapPort);
    }
    Path config = temp.resolve("rest.json");
    Files.writeString(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    daemon = Examples.startDaemon(config);
    tcpTable = "tcp:127.0.0.1:" + tcpPort;
    socketmapPrefix = "socketmap:inet:127.0.0.1:" + socketmapPort + ":";
  }

  /** The REST application: a domain list and an alias table, and a broken route. */
  private static void answer(HttpServerRequest request) {
    String key = request.getParam("key");
    String name = request.getParam("name");
    asked.add(
        request.path()
            + " name="
            + name
            + " key="
            + key
            + " token="
            + request.getHeader("X-Auth-Token")
            + " agent="
            + request.getHeader("User-Agent"));
    Map<String, String> domains = Map.of("example.com", "[\"OK\"]", "Example.ORG", "[\"OK\"]");
    Map<String, String> aliases =
        Map.of("info@example.com", "[\"alice@example.net\",\"bob@example.net\"]");
    String body =
        switch (request.path()) {
          case "/api/postfix/domain" -> domains.get(key);
          case "/api/postfix/aliases" -> "virtual".equals(name) ? aliases.get(key) : "[]";
          default -> null;
        };
    if ("down.example".equals(key)) {
      request.response().setStatusCode(500).end();
    } else if (body == null) {
      request.response().setStatusCode(404).end();
    } else {
      request.response().end(body);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void tcpLookupEndpointAnswersPostfixAsTheConnectorDid() {
    asked.clear();
    assertThat(postmap.query("example.com", tcpTable)).isEqualTo(new Run(0, "OK\n", ""));
    assertThat(postmap.query("nowhere.example", tcpTable)).isEqualTo(new Run(1, "", ""));
    // 500 from the application: 400 on the wire, a query error for Postfix (postmap -q makes it
    // fatal), never a miss, which exits 1 quietly.
    Run failed = postmap.query("down.example", tcpTable);
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.stderr()).startsWith("postmap: fatal: table " + tcpTable + ": query error");
    // Keys are sent as received: no case folding, as postfix-rest-connector sends them.
    assertThat(postmap.query("Example.ORG", tcpTable)).isEqualTo(new Run(0, "OK\n", ""));
    assertThat(asked.get(0))
        .isEqualTo(
            "/api/postfix/domain name=null key=example.com token=change-me"
                + " agent=Postfix REST Connector");
  }

  @Test
  void socketmapEndpointForwardsWhateverMapNamePostfixAsks() {
    asked.clear();
    assertThat(postmap.query("info@example.com", socketmapPrefix + "virtual"))
        .isEqualTo(new Run(0, "alice@example.net,bob@example.net\n", ""));
    assertThat(postmap.query("info@example.com", socketmapPrefix + "other"))
        .isEqualTo(new Run(1, "", ""));
    assertThat(postmap.query("nobody@example.com", socketmapPrefix + "virtual"))
        .isEqualTo(new Run(1, "", ""));
    assertThat(asked.get(0))
        .isEqualTo(
            "/api/postfix/aliases name=virtual key=info@example.com token=change-me"
                + " agent=Postfix REST Connector");
    assertThat(asked.get(1)).startsWith("/api/postfix/aliases name=other ");
  }

  @Test
  void batchesOnOneConnection() {
    Run run =
        postmap.queryBatch(List.of("example.com", "nowhere.example", "Example.ORG"), tcpTable);
    assertThat(run.exit()).isZero();
    assertThat(run.stdout()).isEqualTo("example.com\tOK\nExample.ORG\tOK\n");
  }
}
