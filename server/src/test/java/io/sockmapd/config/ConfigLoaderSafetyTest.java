package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code check} must catch before {@code run} does: secrets never echoed, durations the code
 * can hold, keys given twice, endpoints that can't all be bound.
 */
class ConfigLoaderSafetyTest {
  private static final String SECRET = "Hunter2Secret";
  private static final String MAPS =
      "\"maps\": {\"m\": {\"database\": \"db\", \"query\": \"SELECT 1\"}}";

  @TempDir Path dir;

  private final ConfigLoader loader = new ConfigLoader(name -> null);

  private ConfigException fails(String json) {
    return (ConfigException)
        assertThatThrownBy(() -> loader.parse(json, "test.json", dir))
            .isInstanceOf(ConfigException.class)
            .actual();
  }

  private List<String> problems(String json) {
    return fails(json).problems().stream().map(ConfigProblem::toString).toList();
  }

  private static String withDatabase(String databaseFields) {
    return "{\"listen\": [\"inet:127.0.0.1:1\"], \"databases\": {\"db\": {\"type\": \"mysql\","
        + " \"hosts\": [\"h\"], \"database\": \"d\", "
        + databaseFields
        + "}}, "
        + MAPS
        + "}";
  }

  private static String withListen(String listenAndControl) {
    return "{"
        + listenAndControl
        + ", \"databases\": {\"db\": {\"type\": \"sqlite\", \"path\": \"x.db\"}}, "
        + MAPS
        + "}";
  }

  @Test
  void aPasswordOfTheWrongTypeIsNotEchoed() {
    ConfigException e = fails(withDatabase("\"password\": 987654321"));
    assertThat(e.getMessage()).doesNotContain("987654321");
    assertThat(problems(withDatabase("\"password\": 987654321")))
        .containsExactly("$.databases.db.password: must be a string (the value is not shown)");
  }

  @Test
  void anUnquotedPasswordIsNotEchoedByTheJsonParser() {
    ConfigException e = fails(withDatabase("\"password\": " + SECRET));
    assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("Hunter");
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("$");
              assertThat(p.message())
                  .startsWith("not valid JSON at line 1, column ")
                  .contains(", in $.databases.db.password (the text there is not shown");
            });
  }

  @Test
  void aFileThatIsNotJsonAtAllIsNotEchoed() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "password = " + SECRET + "\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid JSON at line 1, column ")
        .hasMessageNotContaining(SECRET)
        .hasMessageNotContaining("password");
  }

  @Test
  void aTruncatedFileIsNotEchoed() {
    ConfigException e = fails(withDatabase("\"password\": \"" + SECRET));
    assertThat(e.getMessage()).doesNotContain(SECRET).contains("not valid JSON");
  }

  @Test
  void aKeyGivenTwiceIsAnErrorWithItsPath() {
    assertThat(
            problems(
                "{\"listen\": [\"inet:127.0.0.1:1\"],\n \"maps\": {\"a\": {\"query\": \"x\"},"
                    + "\n \"a\": {\"query\": \"y\"}}}"))
        .singleElement()
        .asString()
        .startsWith("$: the key $.maps.a is given twice at line 3");
    assertThat(problems(withDatabase("\"user\": \"u\", \"user\": \"v\"")))
        .singleElement()
        .asString()
        .startsWith("$: the key $.databases.db.user is given twice at line 1");
  }

  @Test
  void everyDurationHasAnUpperBound() {
    List<String> problems =
        problems(
            "{\"listen\": [\"inet:127.0.0.1:1\"], \"shutdown_timeout\": \"2h\","
                + " \"limits\": {\"idle_timeout\": 9223372036854775807},"
                + " \"databases\": {\"db\": {\"type\": \"mysql\", \"hosts\": [\"h\"],"
                + " \"database\": \"d\", \"connect_timeout\": \"25d\", \"lookup_timeout\": \"11m\","
                + " \"retry_interval\": \"2d\"}},"
                + " \"maps\": {\"m\": {\"database\": \"db\", \"query\": \"SELECT 1\","
                + " \"cache\": {\"ttl\": \"999999999d\", \"negative_ttl\": \"366d\","
                + " \"max_stale\": \"400d\"}}}}");
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "$.shutdown_timeout: must be at most 1h, got \"2h\"",
            "$.limits.idle_timeout: must be at most 7d, got 9223372036854775807",
            "$.databases.db.connect_timeout: must be at most 10m, got \"25d\"",
            "$.databases.db.lookup_timeout: must be at most 10m, got \"11m\"",
            "$.databases.db.retry_interval: must be at most 1d, got \"2d\"",
            "$.maps.m.cache.ttl: must be at most 365d, got \"999999999d\"",
            "$.maps.m.cache.negative_ttl: must be at most 365d, got \"366d\"",
            "$.maps.m.cache.max_stale: must be at most 365d, got \"400d\"");
  }

  @Test
  void theLargestAllowedDurationsAreAccepted() throws Exception {
    SockmapdConfig config =
        loader.parse(
            "{\"listen\": [\"inet:127.0.0.1:1\"], \"shutdown_timeout\": \"1h\","
                + " \"limits\": {\"idle_timeout\": \"7d\"},"
                + " \"databases\": {\"db\": {\"type\": \"mysql\", \"hosts\": [\"h\"],"
                + " \"database\": \"d\", \"connect_timeout\": \"10m\", \"lookup_timeout\": 600,"
                + " \"retry_interval\": \"24h\"}},"
                + " \"maps\": {\"m\": {\"database\": \"db\", \"query\": \"SELECT 1\","
                + " \"cache\": {\"ttl\": \"365d\", \"max_stale\": \"365d\"}}}}",
            "test.json",
            dir);
    assertThat(config.limits().idleTimeout()).hasDays(7);
    assertThat(config.maps().get("m").cache().ttl()).hasDays(365);
  }

  @Test
  void cacheMemoryBoundsAreReadAndChecked() throws Exception {
    SockmapdConfig config =
        loader.parse(
            withListen("\"listen\": [\"inet:127.0.0.1:1\"]")
                .replace(
                    "\"query\": \"SELECT 1\"",
                    "\"query\": \"SELECT 1\", \"cache\": {\"max_bytes\": 1048576,"
                        + " \"max_key_length\": 300}"),
            "test.json",
            dir);
    CacheConfig cache = config.maps().get("m").cache();
    assertThat(cache.maxBytes()).isEqualTo(1_048_576);
    assertThat(cache.maxKeyLength()).isEqualTo(300);

    SockmapdConfig defaults =
        loader.parse(
            withListen("\"listen\": [\"inet:127.0.0.1:1\"]")
                .replace("\"query\": \"SELECT 1\"", "\"query\": \"SELECT 1\", \"cache\": {}"),
            "test.json",
            dir);
    assertThat(defaults.maps().get("m").cache().maxBytes()).isEqualTo(CacheConfig.SHARED_BUDGET);
    assertThat(defaults.maps().get("m").cache().maxKeyLength())
        .isEqualTo(CacheConfig.DEFAULT_MAX_KEY_LENGTH);

    assertThat(
            problems(
                withListen("\"listen\": [\"inet:127.0.0.1:1\"]")
                    .replace(
                        "\"query\": \"SELECT 1\"",
                        "\"query\": \"SELECT 1\", \"cache\": {\"max_bytes\": 1000,"
                            + " \"max_key_length\": 0}")))
        .containsExactlyInAnyOrder(
            "$.maps.m.cache.max_bytes: must be from 65536 to 2147483647, got 1000",
            "$.maps.m.cache.max_key_length: must be from 1 to 100000000, got 0");
  }

  @Test
  void aUnixPathListedTwiceIsAnError() {
    assertThat(
            problems(withListen("\"listen\": [\"unix:/run/a.sock\", \"unix:/run/x/../a.sock\"]")))
        .containsExactly(
            "$.listen: entry 1 (unix:/run/x/../a.sock) clashes with entry 0 (unix:/run/a.sock):"
                + " both cannot be bound");
  }

  @Test
  void oneTcpAddressListedTwiceIsAnError() {
    assertThat(
            problems(
                withListen(
                    "\"listen\": [\"inet:127.0.0.1:8732\", \"inet:[::1]:8732\","
                        + " \"inet:127.0.0.1:8732\", \"inet:*:8733\", \"inet:127.0.0.1:8733\"],"
                        + " \"allow\": [\"10.0.0.0/8\"]")))
        .containsExactly(
            "$.listen: entry 2 (inet:127.0.0.1:8732) clashes with entry 0 (inet:127.0.0.1:8732):"
                + " both cannot be bound",
            "$.listen: entry 4 (inet:127.0.0.1:8733) clashes with entry 3 (inet::8733):"
                + " both cannot be bound");
  }

  @Test
  void portZeroListenersAndDistinctAddressesDoNotClash() throws Exception {
    SockmapdConfig config =
        loader.parse(
            withListen(
                "\"listen\": [\"inet:127.0.0.1:0\", \"inet:127.0.0.1:0\", \"inet:0.0.0.0:9\","
                    + " \"inet:[::1]:9\", \"unix:/run/a.sock\", \"unix:/run/b.sock\"],"
                    + " \"control_socket\": \"inet:127.0.0.2:8732\", \"allow\": [\"10.0.0.0/8\"]"),
            "test.json",
            dir);
    assertThat(config.listen()).hasSize(6);
  }

  @Test
  void aControlSocketOnAListenerIsAnError() {
    assertThat(
            problems(
                withListen(
                    "\"listen\": [\"unix:/run/a.sock\"], \"control_socket\": \"unix:/run/a.sock\"")))
        .containsExactly(
            "$.control_socket: clashes with the listener unix:/run/a.sock: both cannot be bound");
    assertThat(
            problems(
                withListen(
                    "\"listen\": [\"inet::8732\"], \"control_socket\": \"inet:127.0.0.1:8732\","
                        + " \"allow\": [\"10.0.0.0/8\"]")))
        .containsExactly(
            "$.control_socket: clashes with the listener inet::8732: both cannot be bound");
  }
}
