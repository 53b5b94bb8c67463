package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.Daemon;
import io.sockmapd.testing.Postmap;
import io.sockmapd.testing.Postmap.Run;
import io.sockmapd.testing.PrivatePostfix;
import io.sockmapd.testing.SmtpSession;
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
 * socketmap:}, and by a private Postfix {@code smtpd} through its policy endpoint ({@code
 * check_policy_service}); a real HTTP server plays the REST application and records what it was
 * asked.
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
  private static PrivatePostfix postfix;

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
    Map<String, Integer> ports =
        Map.of(
            "tcp-lookup", Examples.freePort(),
            "socketmap-lookup", Examples.freePort(),
            "policy", Examples.freePort());
    for (var endpoint : root.get("endpoints")) {
      ObjectNode e = (ObjectNode) endpoint;
      e.put(
          "target",
          e.get("target").asText().replace(":9000/", ":" + application.actualPort() + "/"));
      e.put("bind-port", ports.get(e.get("mode").asText()));
    }
    Path config = temp.resolve("rest.json");
    Files.writeString(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    daemon = Examples.startDaemon(config);
    tcpTable = "tcp:127.0.0.1:" + ports.get("tcp-lookup");
    socketmapPrefix = "socketmap:inet:127.0.0.1:" + ports.get("socketmap-lookup") + ":";
    postfix =
        PrivatePostfix.start(
            Files.createDirectories(temp.resolve("smtpd")),
            "smtpd_recipient_restrictions = check_policy_service inet:127.0.0.1:"
                + ports.get("policy")
                + ", permit_mynetworks, reject_unauth_destination\n");
  }

  /**
   * The REST application: a domain list and an alias table, and a broken route; and a policy that
   * rejects one sender, fails for another and has nothing to say about the rest.
   */
  private static void answer(HttpServerRequest request) {
    if (request.path().equals("/api/postfix/policy")) {
      request.setExpectMultipart(true);
      request.endHandler(v -> answerPolicy(request));
      return;
    }
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

  private static void answerPolicy(HttpServerRequest request) {
    String sender = request.getFormAttribute("sender");
    asked.add(
        request.path()
            + " sender="
            + sender
            + " client_address="
            + request.getFormAttribute("client_address")
            + " token="
            + request.getHeader("X-Auth-Token"));
    switch (sender) {
      case "spammer@bad.example" -> request.response().end("REJECT sender refused by the app\n");
      case "down@good.example" -> request.response().setStatusCode(500).end();
      default -> request.response().end("DUNNO");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (postfix != null) {
      postfix.close();
    }
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

  @Test
  void policyEndpointAnswersSmtpdAsTheConnectorDid() throws Exception {
    asked.clear();
    try (SmtpSession smtp = new SmtpSession(postfix.smtpPort())) {
      smtp.client("198.51.100.7");
      assertThat(smtp.command("MAIL FROM:<spammer@bad.example>")).startsWith("250");
      assertThat(smtp.command("RCPT TO:<user@policy.test>"))
          .isEqualTo(
              "554 5.7.1 <user@policy.test>: Recipient address rejected: sender refused by the"
                  + " app");
      assertThat(smtp.command("RSET")).startsWith("250");
      assertThat(smtp.command("MAIL FROM:<friend@good.example>")).startsWith("250");
      assertThat(smtp.command("RCPT TO:<user@policy.test>")).startsWith("250 2.1.5");
      assertThat(smtp.command("RSET")).startsWith("250");
      // The application fails: deferred, as postfix-rest-connector's 451 for a 5xx.
      assertThat(smtp.command("MAIL FROM:<down@good.example>")).startsWith("250");
      assertThat(smtp.command("RCPT TO:<user@policy.test>"))
          .isEqualTo(
              "451 4.3.0 <user@policy.test>: Recipient address rejected: Service temporarily"
                  + " unavailable");
    }
    assertThat(asked.get(0))
        .isEqualTo(
            "/api/postfix/policy sender=spammer@bad.example client_address=198.51.100.7"
                + " token=change-me");
  }
}
