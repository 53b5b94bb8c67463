package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cache.listen} and {@code cache.channel}: where they apply, and the channel's rules. */
class CacheListenConfigTest {
  @TempDir Path dir;

  private final ConfigLoader loader = new ConfigLoader(name -> null);

  private static String config(String type, String mapName, String cache) {
    return """
        {"listen": ["inet:127.0.0.1:1"],
         "databases": {"pg": {"type": "postgresql", "hosts": ["h"], "database": "d"},
                       "my": {"type": "mysql", "hosts": ["h"], "database": "d"},
                       "lite": {"type": "sqlite", "path": "x.db"}},
         "maps": {"%s": {"database": "%s", "query": "SELECT v FROM t WHERE k = '%%s'",
                         "cache": %s}}}
        """
        .formatted(mapName, type, cache);
  }

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
  void theChannelDefaultsToThePrefixAndTheMapName() throws Exception {
    CacheConfig cache =
        parse(config("pg", "virtual", "{\"listen\": true}")).maps().get("virtual").cache();
    assertThat(cache.listenChannel()).isEqualTo("sockmapd_virtual");
  }

  @Test
  void aNamedChannelIsKeptExactly() throws Exception {
    CacheConfig cache =
        parse(config("pg", "virtual", "{\"listen\": true, \"channel\": \"Aliases Changed\"}"))
            .maps()
            .get("virtual")
            .cache();
    assertThat(cache.listenChannel()).isEqualTo("Aliases Changed");
  }

  @Test
  void withoutListenTheCacheHearsNothing() throws Exception {
    CacheConfig cache =
        parse(config("pg", "virtual", "{\"ttl\": 5}")).maps().get("virtual").cache();
    assertThat(cache.listenChannel()).isNull();
  }

  @Test
  void listenIsRefusedOnMysqlAndSqlite() {
    assertThat(problems(config("my", "virtual", "{\"listen\": true}")))
        .containsExactly(
            "$.maps.virtual.cache.listen: applies only to PostgreSQL; database \"my\" is mysql"
                + " (which has no LISTEN/NOTIFY: keep the ttl short, or run `sockmapd flush`"
                + " after a change)");
    assertThat(problems(config("lite", "virtual", "{\"listen\": true}")))
        .singleElement()
        .asString()
        .startsWith("$.maps.virtual.cache.listen: applies only to PostgreSQL; database \"lite\"");
  }

  @Test
  void aChannelWithoutListenIsAMistake() {
    assertThat(problems(config("pg", "virtual", "{\"channel\": \"c\"}")))
        .containsExactly("$.maps.virtual.cache.channel: applies only with \"listen\": true");
  }

  @Test
  void channelsLongerThanPostgresqlTakesAreRefused() {
    String longName = "m".repeat(60);
    assertThat(problems(config("pg", longName, "{\"listen\": true}")))
        .containsExactly(
            "$.maps."
                + longName
                + ".cache.listen: the default channel \"sockmapd_"
                + longName
                + "\" is 69 bytes long; PostgreSQL channel names have at most 63 (name one with"
                + " \"channel\")");
    assertThat(
            problems(
                config("pg", "m", "{\"listen\": true, \"channel\": \"" + "é".repeat(32) + "\"}")))
        .containsExactly(
            "$.maps.m.cache.channel: is 64 bytes long; PostgreSQL channel names have at most 63");
    assertThat(problems(config("pg", "m", "{\"listen\": true, \"channel\": \"\"}")))
        .containsExactly("$.maps.m.cache.channel: must not be empty");
  }
}
