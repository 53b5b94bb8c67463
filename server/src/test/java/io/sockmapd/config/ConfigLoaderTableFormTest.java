package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code table}/{@code key}/{@code value}/{@code reason} alternative to {@code query}. */
class ConfigLoaderTableFormTest {
  private static String config(String map) {
    return """
        { "listen": ["inet:127.0.0.1:8732"],
          "databases": { "main": { "type": "mysql", "hosts": ["127.0.0.1"], "database": "mail" } },
          "maps": { "m": %s } }
        """
        .formatted(map);
  }

  private static SockmapdConfig load(String map) throws ConfigException {
    return new ConfigLoader(name -> null).parse(config(map), "test.json", Path.of("."));
  }

  private static List<ConfigProblem> fails(String map) {
    return ((ConfigException)
            assertThatThrownBy(() -> load(map)).isInstanceOf(ConfigException.class).actual())
        .problems();
  }

  /** The problems of a map that must not load, as "path: message". */
  private static List<String> problems(String map) {
    return fails(map).stream().map(ConfigProblem::toString).toList();
  }

  /** The JSON paths of the problems of a map that must not load. */
  private static List<String> paths(String map) {
    return fails(map).stream().map(ConfigProblem::path).toList();
  }

  @Test
  void tableFormBuildsTheSameQueryAsTheEzplanetReader() throws Exception {
    MapConfig map =
        load("""
                { "database": "main", "table": "blackwhite", "key": "name", "value": "status",
                  "reason": "reason" }
                """)
            .maps()
            .get("m");

    assertThat(map.query()).isEqualTo(TableQuery.build("blackwhite", "name", "status", "reason"));
    assertThat(map.foldCase()).isTrue();
  }

  @Test
  void valueIsOptional() throws Exception {
    assertThat(
            load("{ \"database\": \"main\", \"table\": \"t\", \"key\": \"k\" }")
                .maps()
                .get("m")
                .query())
        .isEqualTo("SELECT k FROM t WHERE k = '%s'");
  }

  @Test
  void bothQueryAndTableIsAProblem() {
    assertThat(
            paths(
                """
            { "database": "main", "query": "SELECT 1", "table": "t", "key": "k" }
            """))
        .containsExactly("$.maps.m.table");
  }

  @Test
  void neitherQueryNorTableIsAProblem() {
    assertThat(problems("{ \"database\": \"main\" }"))
        .containsExactly("$.maps.m.query: is required (or give table, key and value instead)");
  }

  @Test
  void columnsWithoutTableAreProblems() {
    assertThat(problems("{ \"database\": \"main\", \"query\": \"SELECT 1\", \"key\": \"k\" }"))
        .containsExactly("$.maps.m.key: applies only together with table");
  }

  @Test
  void namesThatAreNotPlainSqlNamesAreProblemsWithTheirPath() {
    assertThat(
            paths(
                """
            { "database": "main", "table": "alias; DROP TABLE x", "key": "k",
              "value": "v, password", "reason": "r r" }
            """))
        .containsExactly("$.maps.m.table", "$.maps.m.value", "$.maps.m.reason");
  }

  @Test
  void missingKeyAndReasonWithoutValueAreProblems() {
    assertThat(problems("{ \"database\": \"main\", \"table\": \"t\", \"reason\": \"r\" }"))
        .containsExactly("$.maps.m.key: is required", "$.maps.m.reason: needs value");
  }
}
