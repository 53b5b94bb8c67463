package io.sockmapd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sockmapd.Daemon;
import io.sockmapd.cli.Backends;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.FaultProxy;
import io.sockmapd.testing.PrivatePostfix;
import io.sockmapd.testing.SmtpSession;
import io.sockmapd.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof with the real client: a private Postfix instance whose {@code smtpd} asks sockmapd
 * ({@code check_policy_service inet:127.0.0.1:PORT} in {@code smtpd_recipient_restrictions}), whose
 * policy's rules query a real PostgreSQL behind a fault proxy. A rule rejects by client address
 * (set through XCLIENT), another by sender, a database outage defers with the policy's {@code
 * on_error}, and {@code DUNNO} lets the mail through to delivery.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyPostfixTest {
  @RegisterExtension static final DatabaseExtension DATABASES = new DatabaseExtension();

  @TempDir static Path temp;
  private static FaultProxy proxy;
  private static Daemon daemon;
  private static PrivatePostfix postfix;

  @BeforeAll
  static void start() throws Exception {
    TestDatabase db = DATABASES.get(DatabaseType.POSTGRESQL);
    db.execute(
        "CREATE TABLE client_access (address inet PRIMARY KEY, action text);\n"
            + "CREATE TABLE sender_access (sender text PRIMARY KEY, action text);\n"
            + "INSERT INTO client_access VALUES ('192.0.2.66', 'REJECT client listed by policy');\n"
            + "INSERT INTO sender_access"
            + " VALUES ('spammer@bad.example', '554 5.7.1 sender refused by policy');\n");
    DatabaseConfig pg = db.config();
    proxy = FaultProxy.start(pg.hosts().get(0).host(), pg.hosts().get(0).port());
    Map<String, Object> database = new LinkedHashMap<>();
    database.put("type", "postgresql");
    database.put("hosts", List.of(proxy.hostAndPort().toString()));
    database.put("database", pg.database());
    database.put("user", pg.user());
    database.put("password", pg.password().reveal());
    database.put("lookup_timeout", "2s");
    database.put("connect_timeout", "1s");
    database.put("retry_interval", "1s");
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(
        "listen",
        List.of(
            Map.of(
                "address", "inet:127.0.0.1:0", "protocol", "policy", "policy", "recipient_check")));
    config.put("databases", Map.of("pg", database));
    config.put("maps", Map.of("unused", Map.of("database", "pg", "query", "SELECT '%s'")));
    config.put(
        "policies",
        Map.of(
            "recipient_check",
            Map.of(
                "rules",
                List.of(
                    Map.of(
                        "database",
                        "pg",
                        "query",
                        "SELECT action FROM client_access WHERE address = :client_address::inet"),
                    Map.of(
                        "database",
                        "pg",
                        "query",
                        "SELECT action FROM sender_access WHERE sender = lower(:sender)")))));
    Path file = temp.resolve("sockmapd.json");
    Files.writeString(file, new ObjectMapper().writeValueAsString(config), UTF_8);
    daemon = Daemon.start(new ConfigLoader().load(file), Backends.DEFAULT);
    int policyPort = daemon.server().port();
    postfix =
        PrivatePostfix.start(
            Files.createDirectories(temp.resolve("postfix")),
            "smtpd_recipient_restrictions = check_policy_service inet:127.0.0.1:"
                + policyPort
                + ", permit_mynetworks, reject_unauth_destination\n");
  }

  @AfterAll
  static void stop() throws Exception {
    if (postfix != null) {
      postfix.close();
    }
    if (daemon != null) {
      daemon.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  @Order(1)
  void aRuleRejectsByClientAddress() throws IOException {
    try (SmtpSession smtp = new SmtpSession(postfix.smtpPort())) {
      smtp.client("192.0.2.66");
      assertThat(smtp.command("MAIL FROM:<someone@good.example>")).startsWith("250");
      assertThat(smtp.command("RCPT TO:<user@policy.test>"))
          .isEqualTo(
              "554 5.7.1 <user@policy.test>: Recipient address rejected: client listed by"
                  + " policy");
    }
  }

  @Test
  @Order(2)
  void aRuleRejectsBySender() throws IOException {
    try (SmtpSession smtp = new SmtpSession(postfix.smtpPort())) {
      smtp.client("198.51.100.7");
      assertThat(smtp.command("MAIL FROM:<Spammer@Bad.Example>")).startsWith("250");
      assertThat(smtp.command("RCPT TO:<user@policy.test>"))
          .isEqualTo(
              "554 5.7.1 <user@policy.test>: Recipient address rejected: sender refused by"
                  + " policy");
    }
  }

  @Test
  @Order(3)
  void dunnoLetsTheMailThroughToDelivery() throws IOException {
    String queueId;
    try (SmtpSession smtp = new SmtpSession(postfix.smtpPort())) {
      smtp.client("198.51.100.7");
      assertThat(smtp.command("MAIL FROM:<friend@good.example>")).startsWith("250");
      assertThat(smtp.command("RCPT TO:<user@policy.test>")).startsWith("250 2.1.5");
      assertThat(smtp.command("DATA")).startsWith("354");
      String queued = smtp.command("Subject: policy test\r\n\r\nhello\r\n.");
      Matcher m = Pattern.compile("^250 2\\.0\\.0 Ok: queued as (\\w+)").matcher(queued);
      assertThat(m.find()).as(queued).isTrue();
      queueId = m.group(1);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(postfix.maillogLines(queueId + ": to=<user@policy.test>"))
                    .anyMatch(l -> l.contains("status=sent")));
  }

  @Test
  @Order(4)
  void aDatabaseOutageDefers() throws IOException {
    proxy.refuse();
    try (SmtpSession smtp = new SmtpSession(postfix.smtpPort())) {
      smtp.client("198.51.100.7");
      assertThat(smtp.command("MAIL FROM:<friend@good.example>")).startsWith("250");
      // The policy's on_error (DEFER_IF_PERMIT), not Postfix's own 451 4.3.5 for a policy server
      // that does not answer.
      assertThat(smtp.command("RCPT TO:<user@policy.test>"))
          .isEqualTo(
              "450 4.7.1 <user@policy.test>: Recipient address rejected: Service temporarily"
                  + " unavailable");
    } finally {
      proxy.forward();
    }
  }
}
