package io.sockmapd.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.codec.PolicyAction;
import io.sockmapd.codec.PolicyRequest;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.PolicyDecision;
import io.sockmapd.lookup.PolicyDecision.Outcome;
import io.sockmapd.sql.LookupChain;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy rules on http databases against real HTTP servers ({@link RestApplication}): the request
 * postfix-rest-connector sends (a form POST of every attribute), the action the application
 * answers, an empty answer or a 404 going on to the next rule, and every failure answering the
 * policy's {@code on_error}.
 */
class HttpPolicyTest {
  private static final PolicyAction ON_ERROR = PolicyAction.parse("450 4.3.0 try later");

  @TempDir Path temp;
  private Vertx vertx;
  private RestApplication first;
  private RestApplication second;
  private LookupBackend backend;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    first = RestApplication.start(vertx);
    second = RestApplication.start(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (backend != null) {
      backend.close(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    first.close();
    second.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Policy "relay": rule 1 asks {@code firstUrl}/api/policy, rule 2 the second application. */
  private LookupBackend backend(String firstUrl) throws Exception {
    String json =
        """
        {"listen": ["inet:127.0.0.1:0"],
         "databases": {
           "one": {"type": "http", "urls": ["%s"], "lookup_timeout": "2s",
                   "connect_timeout": "1s", "retry_interval": "1h", "auth_token": "s3cret",
                   "user_agent": "sockmapd-test", "max_response_size": 100000},
           "two": {"type": "http", "urls": ["http://127.0.0.1:%d"]}},
         "maps": {},
         "policies": {"relay": {"rules": [{"database": "one", "url_path": "/api/policy"},
                                          {"database": "two"}],
                                "on_error": "%s"}}}
        """
            .formatted(firstUrl, second.port(), ON_ERROR);
    SockmapdConfig config = new ConfigLoader(name -> null).parse(json, "test", temp);
    backend = LookupChain.build(vertx, config);
    return backend;
  }

  private LookupBackend backend() throws Exception {
    return backend("http://127.0.0.1:" + first.port());
  }

  private static PolicyDecision decide(LookupBackend backend, String sender) throws Exception {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("request", "smtpd_access_policy");
    attributes.put("protocol_state", "RCPT");
    attributes.put("client_address", "192.0.2.7");
    attributes.put("sender", sender);
    attributes.put("recipient", "a b&c=d+e%41@example.com");
    attributes.put("ccert_subject", "");
    return backend
        .policies()
        .get("relay")
        .decide(PolicyRequest.of(attributes))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void theApplicationsActionAnswersAndTheRequestIsPostfixRestConnectors() throws Exception {
    first.values.put("spammer@example.com", "REJECT 5.7.1 go away\n");
    LookupBackend b = backend();

    PolicyDecision decision = decide(b, "spammer@example.com");

    assertThat(decision)
        .isEqualTo(new PolicyDecision(PolicyAction.parse("REJECT 5.7.1 go away"), Outcome.MATCHED));
    assertThat(first.seen).hasSize(1);
    RestApplication.Seen seen = first.seen.get(0);
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.path()).isEqualTo("/api/policy");
    assertThat(seen.contentType()).startsWith("application/x-www-form-urlencoded");
    assertThat(seen.token()).isEqualTo("s3cret");
    assertThat(seen.userAgent()).isEqualTo("sockmapd-test");
    // Every attribute, in Postfix's order, decoded by the server to exactly what Postfix sent.
    assertThat(seen.query())
        .containsExactly(
            Map.entry("request", "smtpd_access_policy"),
            Map.entry("protocol_state", "RCPT"),
            Map.entry("client_address", "192.0.2.7"),
            Map.entry("sender", "spammer@example.com"),
            Map.entry("recipient", "a b&c=d+e%41@example.com"),
            Map.entry("ccert_subject", ""));
    assertThat(second.seen).isEmpty();
  }

  @Test
  void anEmptyAnswerOrA404AsksTheNextRuleAndNoneIsDunno() throws Exception {
    second.values.put("missing", "OK known to the second");
    second.values.put("quiet@example.com", "DISCARD from the second");
    LookupBackend b = backend();

    assertThat(decide(b, "missing")) // 404 from the first
        .isEqualTo(
            new PolicyDecision(PolicyAction.parse("OK known to the second"), Outcome.MATCHED));
    assertThat(decide(b, "quiet@example.com")) // 200 with an empty body from the first
        .isEqualTo(
            new PolicyDecision(PolicyAction.parse("DISCARD from the second"), Outcome.MATCHED));
    assertThat(decide(b, "nobody@example.com"))
        .isEqualTo(new PolicyDecision(PolicyAction.dunno(), Outcome.NO_MATCH));
    assertThat(second.seen).hasSize(3);
  }

  @Test
  void everyFailureAnswersOnErrorWithoutAskingTheNextRule() throws Exception {
    first.values.put("invalid@example.com", "FROBNICATE now");
    first.values.put("twolines@example.com", "REJECT one\nREJECT two");
    second.values.put("forbidden", "OK must not be asked");
    LookupBackend b = backend();

    for (String sender :
        new String[] {
          "forbidden", // 403
          "broken", // 500
          "unavailable", // 503
          "redirect", // 302
          "slow", // past the 2 s deadline
          "huge", // over max_response_size
          "invalid@example.com", // not an action
          "twolines@example.com" // an action can't span lines
        }) {
      assertThat(decide(b, sender))
          .as(sender)
          .isEqualTo(new PolicyDecision(ON_ERROR, Outcome.FAILED));
    }
    assertThat(second.seen).isEmpty();
  }

  @Test
  void anUnreachableApplicationAnswersOnError() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    LookupBackend b = backend("http://127.0.0.1:" + closedPort);

    assertThat(decide(b, "anyone@example.com"))
        .isEqualTo(new PolicyDecision(ON_ERROR, Outcome.FAILED));
    assertThat(second.seen).isEmpty();
  }
}
