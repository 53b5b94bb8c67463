package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String DATABASE =
      "\"db\": {\"type\": \"postgresql\", \"hosts\": [\"db1\", \"[::1]:5433\", \"db3:6000\"],"
          + " \"database\": \"mail\", \"user\": \"postfix\", \"password\": \"${PGPASS}\"}";

  @TempDir Path dir;

  private final ConfigLoader loader =
      new ConfigLoader(name -> Map.of("PGPASS", "s3cret").get(name));

  private SockmapdConfig parse(String json) throws ConfigException {
    return loader.parse(json, "test.json", dir);
  }

  private List<String> problems(String json) {
    try {
      parse(json);
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigProblem::toString).toList();
    }
    throw new AssertionError("config was accepted: " + json);
  }

  @Test
  void readsAFullConfigWithDefaults() throws Exception {
    SockmapdConfig config =
        parse(
            "{\"listen\": [\"inet:127.0.0.1:8732\", \"inet:[::1]:8733\", \"inet:*:8734\","
                + " \"unix:/run/sockmapd.sock\"],"
                + " \"allow\": [\"10.0.0.0/8\"],"
                + " \"unix_socket_mode\": \"0600\","
                + " \"limits\": {\"max_connections\": 50, \"idle_timeout\": \"90s\"},"
                + " \"databases\": {"
                + DATABASE
                + "},"
                + " \"maps\": {\"virtual\": {\"database\": \"db\","
                + " \"query\": \"SELECT goto FROM alias WHERE address = '%s'\","
                + " \"recipient_delimiter\": \"+\", \"fallback_keys\": [\"user@domain\", \"@domain\"],"
                + " \"cache\": {\"ttl\": \"5m\", \"max_stale\": 3600}}}}");

    assertThat(config.listen())
        .containsExactly(
            new Endpoint.Inet("127.0.0.1", 8732),
            new Endpoint.Inet("::1", 8733),
            new Endpoint.Inet("", 8734),
            new Endpoint.Unix(Path.of("/run/sockmapd.sock")));
    assertThat(config.unixSocketMode()).isEqualTo(0600);
    assertThat(config.limits().maxConnections()).isEqualTo(50);
    assertThat(config.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.limits().maxRequestSize()).isEqualTo(Limits.DEFAULT_MAX_REQUEST_SIZE);
    assertThat(config.shutdownTimeout()).isEqualTo(SockmapdConfig.DEFAULT_SHUTDOWN_TIMEOUT);

    DatabaseConfig db = config.databases().get("db");
    assertThat(db.type()).isEqualTo(DatabaseType.POSTGRESQL);
    assertThat(db.hosts())
        .containsExactly(
            new HostAndPort("db1", 5432),
            new HostAndPort("::1", 5433),
            new HostAndPort("db3", 6000));
    assertThat(db.password().reveal()).isEqualTo("s3cret");
    assertThat(db.password().toString()).doesNotContain("s3cret");
    assertThat(db.lookupTimeout()).isEqualTo(DatabaseConfig.DEFAULT_LOOKUP_TIMEOUT);

    MapConfig map = config.maps().get("virtual");
    assertThat(map.foldCase()).isTrue();
    assertThat(map.smtputf8Enable()).isTrue();
    assertThat(map.resultFormat()).isEqualTo("%s");
    assertThat(map.fallbackKeys())
        .containsExactly(FallbackKey.USER_AT_DOMAIN, FallbackKey.AT_DOMAIN);
    assertThat(map.cache()).isNotNull();
    assertThat(map.cache().ttl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(map.cache().negativeTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(map.cache().maxStale()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void smtputf8EnableIsSetForAllMapsAndPerMap() throws Exception {
    String maps =
        " \"databases\": {"
            + DATABASE
            + "}, \"maps\": {\"a\": {\"database\": \"db\", \"query\": \"SELECT 1\"},"
            + " \"b\": {\"database\": \"db\", \"query\": \"SELECT 1\", \"smtputf8_enable\": true}}}";
    SockmapdConfig off =
        parse("{\"listen\": [\"inet:127.0.0.1:1\"], \"smtputf8_enable\": false," + maps);
    assertThat(off.maps().get("a").smtputf8Enable()).isFalse();
    assertThat(off.maps().get("b").smtputf8Enable()).isTrue();
    SockmapdConfig defaults = parse("{\"listen\": [\"inet:127.0.0.1:1\"]," + maps);
    assertThat(defaults.maps().get("a").smtputf8Enable()).isTrue();
    assertThat(problems("{\"listen\": [\"inet:127.0.0.1:1\"], \"smtputf8_enable\": \"no\"," + maps))
        .containsExactly("$.smtputf8_enable: must be true or false, got \"no\"");
  }

  @Test
  void reportsEveryProblemWithItsJsonPath() {
    List<String> problems =
        problems(
            "{\"listen\": [\"inet:127.0.0.1\", \"tcp:1\"], \"bogus\": 1,"
                + " \"limits\": {\"max_connections\": 0, \"idle_timeout\": \"soon\"},"
                + " \"databases\": {\"db\": {\"type\": \"oracle\", \"hosts\": [\"a:99999\"],"
                + " \"database\": \"\", \"pasword\": \"x\"}},"
                + " \"maps\": {\"m\": {\"database\": \"nope\", \"query\": \"SELECT 1\","
                + " \"fold_case\": \"yes\", \"fallback_keys\": [\"user@domain\", \"whatever\"]}}}");

    assertThat(problems)
        .containsExactlyInAnyOrder(
            "$.listen[0]: expected inet:HOST:PORT (IPv6 addresses in brackets), got inet:127.0.0.1",
            "$.listen[1]: expected inet:HOST:PORT, inet:[IPV6]:PORT or unix:/path, got tcp:1",
            "$.bogus: unknown key",
            "$.limits.max_connections: must be from 1 to 1000000, got 0",
            "$.limits.idle_timeout: must be a duration such as 30, \"500ms\", \"30s\", \"5m\", got \"soon\"",
            "$.databases.db.type: must be postgresql, mysql, sqlite or http, got \"oracle\"",
            "$.databases.db.hosts[0]: port must be a number from 1 to 65535 in a:99999",
            "$.databases.db.database: must not be empty",
            "$.databases.db.pasword: unknown key",
            "$.maps.m.database: names no database under $.databases: \"nope\"",
            "$.maps.m.fold_case: must be true or false, got \"yes\"",
            "$.maps.m.fallback_keys[1]: must be one of \"user@domain\", \"user\", \"@domain\", got \"whatever\"",
            "$.maps.m.recipient_delimiter: is required when fallback_keys has \"user@domain\"");
  }

  @Test
  void requiresListenAndMaps() {
    assertThat(problems("{}"))
        .containsExactly(
            "$.listen: is required: a list such as [\"inet:127.0.0.1:8732\"]",
            "$.maps: must define at least one map (or a policy)");
    assertThat(problems("{\"listen\": [], \"maps\": {}}"))
        .containsExactly(
            "$.listen: must name at least one endpoint",
            "$.maps: must define at least one map (or a policy)");
  }

  @Test
  void namesAMissingEnvironmentVariableButNeverThePassword() {
    List<String> problems =
        problems(
            "{\"listen\": [\"inet:127.0.0.1:1\"], \"databases\": {\"db\": {\"type\": \"mysql\","
                + " \"hosts\": [\"h\"], \"database\": \"d\", \"password\": \"pre-${NOPE}-post\"}},"
                + " \"maps\": {\"m\": {\"database\": \"db\", \"query\": \"SELECT 1\"}}}");
    assertThat(problems)
        .containsExactly("$.databases.db.password: environment variable NOPE is not set");
  }

  @Test
  void readsThePasswordFileRelativeToTheConfigFolder() throws Exception {
    Files.writeString(dir.resolve("pw"), "from-file\nsecond line\n", StandardCharsets.UTF_8);
    SockmapdConfig config =
        parse(
            "{\"listen\": [\"inet:127.0.0.1:1\"], \"databases\": {\"db\": {\"type\": \"mysql\","
                + " \"hosts\": [\"h\"], \"database\": \"d\", \"password_file\": \"pw\"}},"
                + " \"maps\": {\"m\": {\"database\": \"db\", \"query\": \"SELECT 1\"}}}");
    assertThat(config.databases().get("db").password().reveal()).isEqualTo("from-file");
    assertThat(config.databases().get("db").hosts()).containsExactly(new HostAndPort("h", 3306));

    assertThat(
            problems(
                "{\"listen\": [\"inet:127.0.0.1:1\"], \"databases\": {\"db\": {\"type\": \"mysql\","
                    + " \"hosts\": [\"h\"], \"database\": \"d\", \"password\": \"x\","
                    + " \"password_file\": \"pw\"}},"
                    + " \"maps\": {\"m\": {\"database\": \"db\", \"query\": \"SELECT 1\"}}}"))
        .containsExactly(
            "$.databases.db.password_file: give either password or password_file, not both");
  }

  @Test
  void sqliteNeedsAPathAndNoHosts() throws Exception {
    SockmapdConfig config =
        parse(
            "{\"listen\": [\"unix:/tmp/s\"], \"databases\": {\"lite\": {\"type\": \"sqlite\","
                + " \"path\": \"data/x.db\"}},"
                + " \"maps\": {\"m\": {\"database\": \"lite\", \"query\": \"SELECT 1\"}}}");
    assertThat(config.databases().get("lite").path()).isEqualTo(dir.resolve("data/x.db"));

    assertThat(
            problems(
                "{\"listen\": [\"unix:/tmp/s\"], \"databases\": {\"lite\": {\"type\": \"sqlite\","
                    + " \"hosts\": [\"h\"]}},"
                    + " \"maps\": {\"m\": {\"database\": \"lite\", \"query\": \"SELECT 1\"}}}"))
        .containsExactlyInAnyOrder(
            "$.databases.lite.path: is required",
            "$.databases.lite.hosts: does not apply to sqlite (use path)");
  }

  @Test
  void invalidJsonNamesLineAndColumn() {
    assertThatThrownBy(() -> parse("{\n  \"listen\": [\n}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.json: 1 problem")
        .hasMessageContaining("not valid JSON at line 3, column 1");
    assertThatThrownBy(() -> parse("[1]"))
        .hasMessageContaining("the top level must be a JSON object");
  }

  @Test
  void missingFileIsOneClearProblem() {
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.json")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("absent.json: 1 problem\n  $: file not found");
  }

  @Test
  void bufferAndClientLimitsDefaultToTheHeapAndTheFairShare() throws Exception {
    String maps =
        ", \"maps\": {\"m\": {\"database\": \"db\", \"query\": \"SELECT 1\"}},"
            + " \"databases\": {"
            + DATABASE
            + "}}";
    Limits defaults = parse("{\"listen\": [\"inet:127.0.0.1:1\"]" + maps).limits();
    assertThat(defaults.maxBufferedBytes())
        .isEqualTo(Limits.defaultMaxBufferedBytes())
        .isLessThanOrEqualTo(Runtime.getRuntime().maxMemory() / 4 + 1_000_000);
    assertThat(defaults.maxInFlightPerClient()).isEqualTo(Limits.FAIR_SHARE);

    Limits set =
        parse(
                "{\"listen\": [\"inet:127.0.0.1:1\"], \"limits\": {\"max_buffered_bytes\":"
                    + " 8000000, \"max_in_flight_per_client\": 200}"
                    + maps)
            .limits();
    assertThat(set.maxBufferedBytes()).isEqualTo(8_000_000);
    assertThat(set.maxInFlightPerClient()).isEqualTo(200);

    assertThat(
            problems(
                "{\"listen\": [\"inet:127.0.0.1:1\"], \"limits\": {\"max_buffered_bytes\":"
                    + " 1000}"
                    + maps))
        .containsExactly(
            "$.limits.max_buffered_bytes: must be from 100000 to 2147483647, got 1000");
  }

  @Test
  void durationsTakePostfixUnits() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(Durations.parse("-1s")).isNull();
    assertThat(Durations.parse("5 minutes")).isNull();
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
  }

  @Test
  void readsATableListWithKeySettingsForTheWholeList() throws Exception {
    SockmapdConfig config =
        parse(
            "{\"listen\": [\"inet:127.0.0.1:8732\"], \"databases\": {"
                + DATABASE
                + "}, \"maps\": {\"virtual\": {\"recipient_delimiter\": \"+\","
                + " \"fallback_keys\": [\"user@domain\", \"@domain\"], \"queries\": ["
                + " {\"database\": \"db\", \"query\": \"SELECT goto FROM alias WHERE address = '%s'\"},"
                + " {\"database\": \"db\", \"table\": \"forward\", \"key\": \"k\", \"value\": \"v\","
                + " \"domain\": [\"example.com\"], \"result_format\": \"%s.x\"}]}}}");

    MapConfig virtual = config.maps().get("virtual");
    assertThat(virtual.isTableList()).isTrue();
    assertThat(virtual.database()).isEqualTo("db");
    assertThat(virtual.fallbackKeys())
        .containsExactly(FallbackKey.USER_AT_DOMAIN, FallbackKey.AT_DOMAIN);
    assertThat(virtual.queries()).hasSize(2);
    MapConfig second = virtual.queries().get(1);
    assertThat(second.domain()).containsExactly("example.com");
    assertThat(second.resultFormat()).isEqualTo("%s.x");
    assertThat(second.fallbackKeys()).isEmpty();
    assertThat(second.recipientDelimiter()).isEqualTo("+");
  }

  @Test
  void aTableListKeepsPerTableSettingsInsideItsQueries() {
    assertThat(
            problems(
                "{\"listen\": [\"inet:127.0.0.1:8732\"], \"databases\": {"
                    + DATABASE
                    + "}, \"maps\": {\"virtual\": {\"database\": \"db\", \"queries\": ["
                    + " {\"database\": \"nodb\", \"query\": \"SELECT 1\", \"fallback_keys\": []},"
                    + " \"text\"]}, \"empty\": {\"queries\": []}}}"))
        .containsExactlyInAnyOrder(
            "$.maps.virtual.database: belongs inside each element of queries in a map with queries",
            "$.maps.virtual.queries[0].database: names no database under $.databases: \"nodb\"",
            "$.maps.virtual.queries[0].fallback_keys: unknown key",
            "$.maps.virtual.queries[1]: must be an object, got \"text\"",
            "$.maps.empty.queries: must list at least one query");
  }
}
