package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockmapd.codec.PolicyAction;
import io.sockmapd.sql.LookupChain;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code policies} and policy listeners: what is read, and each problem named by its JSON path. */
class PolicyConfigTest {
  private static SockmapdConfig parse(String listen, String policies) throws ConfigException {
    String text =
        "{\"listen\": "
            + listen
            + ", \"databases\": {\"main\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}},"
            + "\"maps\": {\"users\": {\"database\": \"main\", \"query\": \"SELECT 1\"}},"
            + "\"policies\": "
            + policies
            + "}";
    return new ConfigLoader(name -> null).parse(text, "test.json", Path.of("/etc/sockmapd"));
  }

  @Test
  void readsPoliciesAndPolicyListeners() throws Exception {
    SockmapdConfig config =
        parse(
            "[{\"address\": \"inet:127.0.0.1:9998\", \"protocol\": \"policy\","
                + " \"policy\": \"relay\"}]",
            "{\"relay\": {\"rules\": [{\"database\": \"main\", \"query\": \"SELECT :sender\"},"
                + " {\"database\": \"main\", \"query\": \"SELECT 'OK'\"}]},"
                + " \"strict\": {\"rules\": [{\"database\": \"main\", \"query\": \"SELECT 1\"}],"
                + " \"on_error\": \"450 4.3.0 later\"}}");
    assertThat(config.listeners())
        .containsExactly(
            new ListenerConfig(new Endpoint.Inet("127.0.0.1", 9998), null, null, "relay"));
    assertThat(config.policies().get("relay"))
        .isEqualTo(
            new PolicyConfig(
                "relay",
                List.of(
                    new PolicyConfig.SqlRule("main", "SELECT :sender"),
                    new PolicyConfig.SqlRule("main", "SELECT 'OK'")),
                PolicyAction.parse("DEFER_IF_PERMIT Service temporarily unavailable")));
    assertThat(config.policies().get("strict").onError())
        .isEqualTo(PolicyAction.parse("450 4.3.0 later"));
  }

  @Test
  void aRuleOnAnHttpDatabaseHasAUrlPathAndNoQuery() throws Exception {
    String text =
        """
        {"listen": ["inet:127.0.0.1:1"],
         "databases": {"rest": {"type": "http", "urls": ["http://127.0.0.1:9000"]},
                       "main": {"type": "postgresql", "hosts": ["127.0.0.1"], "database": "m",
                                "user": "u"}},
         "maps": {},
         "policies": {"relay": {"rules": [{"database": "rest", "url_path": "/policy"},
                                          {"database": "rest"},
                                          {"database": "main", "query": "SELECT :sender"}]}}}
        """;
    SockmapdConfig config =
        new ConfigLoader(name -> null).parse(text, "test.json", Path.of("/etc/sockmapd"));
    assertThat(config.policies().get("relay").rules())
        .containsExactly(
            new PolicyConfig.HttpRule("rest", "/policy"),
            new PolicyConfig.HttpRule("rest", ""),
            new PolicyConfig.SqlRule("main", "SELECT :sender"));
  }

  @Test
  void aQueryOnAnHttpDatabaseOrAUrlPathOnASqlOneIsRefusedByPath() {
    String text =
        """
        {"listen": ["inet:127.0.0.1:1"],
         "databases": {"rest": {"type": "http", "urls": ["http://127.0.0.1:9000"]},
                       "main": {"type": "postgresql", "hosts": ["127.0.0.1"], "database": "m",
                                "user": "u"}},
         "maps": {},
         "policies": {"relay": {"rules": [{"database": "rest", "query": "SELECT 1"},
                                          {"database": "rest", "url_path": "policy"},
                                          {"database": "main", "url_path": "/policy"}]}}}
        """;
    assertThatThrownBy(
            () -> new ConfigLoader(name -> null).parse(text, "test.json", Path.of("/etc/sockmapd")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "$.policies.relay.rules[0].query: does not apply to a rule on an http database (use"
                + " url_path)")
        .hasMessageContaining(
            "$.policies.relay.rules[1].url_path: must start with /, got \"policy\"")
        .hasMessageContaining(
            "$.policies.relay.rules[2].url_path: applies only to a rule on an http database")
        .hasMessageContaining("$.policies.relay.rules[2].query: is required");
  }

  @Test
  void problemsNameTheirPath() {
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"address\": \"inet:127.0.0.1:1\", \"protocol\": \"policy\"},"
                        + " {\"address\": \"inet:127.0.0.1:2\", \"protocol\": \"policy\","
                        + " \"policy\": \"nosuch\"},"
                        + " {\"address\": \"inet:127.0.0.1:3\", \"policy\": \"relay\"}]",
                    "{\"relay\": {\"rules\": [{\"database\": \"other\", \"query\": \"SELECT 1\"},"
                        + " {\"query\": \"SELECT 1\", \"qurey\": 1}],"
                        + " \"on_error\": \"permit\"},"
                        + " \"empty\": {\"rules\": []},"
                        + " \"none\": {}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("$.listen[0].policy: is required")
        .hasMessageContaining(
            "$.listen[1].policy: names no configured policy: \"nosuch\"; policies: [relay, empty,"
                + " none]")
        .hasMessageContaining("$.listen[2].policy: applies only to \"protocol\": \"policy\"")
        .hasMessageContaining(
            "$.policies.relay.rules[0].database: names no configured database: \"other\"")
        .hasMessageContaining("$.policies.relay.rules[1].database: is required")
        .hasMessageContaining("$.policies.relay.rules[1].qurey")
        .hasMessageContaining(
            "$.policies.relay.on_error: invalid policy action \"permit\": \"permit\" is neither")
        .hasMessageContaining("$.policies.empty.rules: must list at least one rule")
        .hasMessageContaining("$.policies.none.rules: is required");
  }

  @Test
  void aQueryWithItsOwnBindMarkersIsAConfigError() throws Exception {
    SockmapdConfig config =
        parse(
            "[\"inet:127.0.0.1:1\"]",
            "{\"relay\": {\"rules\": [{\"database\": \"main\","
                + " \"query\": \"SELECT action FROM a WHERE s = ?\"}]}}");
    // Checked before any pool is built.
    assertThatThrownBy(
            () ->
                LookupChain.sqlMaps(
                    config,
                    database -> {
                      throw new AssertionError("no executor before the queries are valid");
                    }))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "$.policies.relay.rules[0].query: policy relay: must not contain its own bind"
                + " markers");
  }
}
