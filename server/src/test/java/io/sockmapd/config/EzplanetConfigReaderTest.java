package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EzplanetConfigReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** ezplanet/sockmapd's own sample config.json, as published. */
  private static final String UPSTREAM_SAMPLE =
      """
      {
        "database": {
          "host": ["dbnode1.ezplanet.org", "dbnode2.ezplanet.org"],
          "port": "3306",
          "username": "postmap",
          "password": "secret"
        },
        "sysconfig": {
          "run_as_user": "anonymous",
          "run_as_group": "anonymous",
          "port": "2224",
          "logfile": "/tmp/sockmapd.log"
        },
        "postmaps": [
          { "service": "blacklist", "database" : "postfix", "table": "blackwhite",
            "key": "name", "value": "status", "reason": "reason" },
          { "service": "clients", "database" : "postfix", "table": "blackwhite",
            "key": "name", "value": "status", "reason": "reason" },
          { "service": "recipient", "database" : "dbmail", "table": "dbmail_aliases",
            "key": "alias" }
        ]
      }
      """;

  private static EzplanetConfigReader.Result read(String json) throws Exception {
    return EzplanetConfigReader.read(JSON.readTree(json), "test.json");
  }

  private static ConfigException readFails(String json) throws Exception {
    JsonNode root = JSON.readTree(json);
    return (ConfigException)
        assertThatThrownBy(() -> EzplanetConfigReader.read(root, "test.json"))
            .isInstanceOf(ConfigException.class)
            .actual();
  }

  @Test
  void aPasswordOfTheWrongTypeIsNotEchoed() throws Exception {
    ConfigException e =
        readFails(UPSTREAM_SAMPLE.replace("\"password\": \"secret\"", "\"password\": 987654321"));
    assertThat(e.getMessage())
        .contains("$.database.password: must be a string (the value is not shown)")
        .doesNotContain("987654321");
  }

  @Test
  void upstreamSampleBecomesOneMysqlDatabasePerDatabaseName() throws Exception {
    EzplanetConfigReader.Result result = read(UPSTREAM_SAMPLE);
    SockmapdConfig config = result.config();

    assertThat(config.listen()).containsExactly(new Endpoint.Inet("0.0.0.0", 2224));
    assertThat(config.databases()).containsOnlyKeys("postfix", "dbmail");
    DatabaseConfig postfix = config.databases().get("postfix");
    assertThat(postfix.type()).isEqualTo(DatabaseType.MYSQL);
    assertThat(postfix.hosts())
        .containsExactly(
            new HostAndPort("dbnode1.ezplanet.org", 3306),
            new HostAndPort("dbnode2.ezplanet.org", 3306));
    assertThat(postfix.database()).isEqualTo("postfix");
    assertThat(postfix.user()).isEqualTo("postmap");
    assertThat(postfix.password().reveal()).isEqualTo("secret");
    assertThat(config.databases().get("dbmail").database()).isEqualTo("dbmail");

    assertThat(config.maps()).containsOnlyKeys("blacklist", "clients", "recipient");
    MapConfig blacklist = config.maps().get("blacklist");
    assertThat(blacklist.database()).isEqualTo("postfix");
    assertThat(blacklist.query())
        .isEqualTo(
            "SELECT CONCAT_WS(' ', status, NULLIF(reason, '')) FROM blackwhite WHERE name = '%s'");
    assertThat(blacklist.foldCase()).isFalse();
    assertThat(config.maps().get("recipient").query())
        .isEqualTo("SELECT alias FROM dbmail_aliases WHERE alias = '%s'");
    assertThat(config.maps().get("recipient").database()).isEqualTo("dbmail");
  }

  @Test
  void keysWeCannotHonourAreWarningsWithTheirPath() throws Exception {
    EzplanetConfigReader.Result result = read(UPSTREAM_SAMPLE);

    assertThat(result.warnings())
        .anyMatch(w -> w.startsWith("$.sysconfig.run_as_user: is not honoured"))
        .anyMatch(w -> w.startsWith("$.sysconfig.run_as_group: is not honoured"))
        .anyMatch(w -> w.startsWith("$.sysconfig.logfile: is not honoured"))
        .hasSize(3);
  }

  @Test
  void keysMatchCaseInsensitivelyLastDuplicateWinsUnknownKeysAreIgnored() throws Exception {
    EzplanetConfigReader.Result result =
        read(
            """
            { "Database": { "HOST": ["db1"], "Port": "3307", "port": "3308",
                            "UserName": "u", "colour": "blue" },
              "SysConfig": { "PORT": "10025" },
              "PostMaps": [ { "Service": "m", "DATABASE": "d", "Table": "t", "KEY": "k",
                              "Value": "v", "extra": 1 } ],
              "comment": "not read by ezplanet" }
            """);

    SockmapdConfig config = result.config();
    assertThat(config.listen()).containsExactly(new Endpoint.Inet("0.0.0.0", 10025));
    assertThat(config.databases().get("d").hosts()).containsExactly(new HostAndPort("db1", 3308));
    assertThat(config.databases().get("d").user()).isEqualTo("u");
    assertThat(config.maps().get("m").query()).isEqualTo("SELECT v FROM t WHERE k = '%s'");
    assertThat(result.warnings())
        .containsExactlyInAnyOrder(
            "$['comment']: unknown key, ignored (as ezplanet/sockmapd does)",
            "$.database['colour']: unknown key, ignored (as ezplanet/sockmapd does)",
            "$.postmaps[0]['extra']: unknown key, ignored (as ezplanet/sockmapd does)");
  }

  @Test
  void defaultsAreEzplanetsPortAndMysqlsPort() throws Exception {
    SockmapdConfig config =
        read("""
                { "database": { "host": ["db1"] },
                  "postmaps": [ { "service": "m", "database": "d", "table": "t", "key": "k" } ] }
                """)
            .config();

    assertThat(config.listen()).containsExactly(new Endpoint.Inet("0.0.0.0", 2224));
    assertThat(config.databases().get("d").hosts()).containsExactly(new HostAndPort("db1", 3306));
    assertThat(config.databases().get("d").password().isEmpty()).isTrue();
  }

  @Test
  void aLaterServiceOfTheSameNameReplacesTheEarlierWithAWarning() throws Exception {
    EzplanetConfigReader.Result result =
        read(
            """
            { "database": { "host": ["db1"] },
              "postmaps": [ { "service": "m", "database": "d", "table": "t1", "key": "k" },
                            { "service": "m", "database": "d", "table": "t2", "key": "k" } ] }
            """);

    assertThat(result.config().maps().get("m").query()).contains("FROM t2 ");
    assertThat(result.warnings())
        .containsExactly(
            "$.postmaps[1].service: \"m\" is defined again; this later one is used, as in ezplanet/sockmapd");
  }

  @Test
  void sqlInNamesIsRejectedWithItsJsonPath() throws Exception {
    ConfigException e =
        readFails(
            """
            { "database": { "host": ["db1"] },
              "postmaps": [
                { "service": "ok", "database": "d", "table": "t", "key": "k" },
                { "service": "evil", "database": "d", "table": "alias; DROP TABLE x",
                  "key": "k = k OR 1", "value": "v FROM t --", "reason": "r" } ] }
            """);

    assertThat(e.problems())
        .extracting(ConfigProblem::path)
        .containsExactly("$.postmaps[1].table", "$.postmaps[1].key", "$.postmaps[1].value");
    assertThat(e.problems().get(0).message()).contains("plain SQL name", "alias; DROP TABLE x");
  }

  @Test
  void schemaQualifiedTableNamesAreAccepted() throws Exception {
    SockmapdConfig config =
        read("""
                { "database": { "host": ["db1"] },
                  "postmaps": [ { "service": "m", "database": "d", "table": "mail.alias_2",
                                  "key": "_k" } ] }
                """)
            .config();

    assertThat(config.maps().get("m").query())
        .isEqualTo("SELECT _k FROM mail.alias_2 WHERE _k = '%s'");
  }

  @Test
  void missingOrMistypedPartsAreProblemsWithPaths() throws Exception {
    ConfigException e =
        readFails(
            """
            { "database": { "host": "db1", "port": 3306 },
              "sysconfig": { "port": "http" },
              "postmaps": [ { "database": "d", "table": "t" },
                            { "service": "a b", "table": "t", "key": "k", "reason": "r" },
                            "x" ] }
            """);

    assertThat(e.problems())
        .extracting(ConfigProblem::path)
        .containsExactlyInAnyOrder(
            "$.sysconfig.port",
            "$.database.port",
            "$.database.host",
            "$.postmaps[0].service",
            "$.postmaps[0].key",
            "$.postmaps[1].service",
            "$.postmaps[1].database",
            "$.postmaps[1].reason",
            "$.postmaps[2]",
            "$.postmaps");
  }

  @Test
  void noHostsIsAProblemBecauseEzplanetCannotStartWithoutOne() throws Exception {
    ConfigException e =
        readFails(
            """
            { "postmaps": [ { "service": "m", "database": "d", "table": "t", "key": "k" } ] }
            """);

    assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("$.database.host");
  }

  @Test
  void configLoaderRecognisesTheFormatAndDelegates() throws Exception {
    SockmapdConfig config = new ConfigLoader().parse(UPSTREAM_SAMPLE, "ez.json", Path.of("."));

    assertThat(config.maps()).containsOnlyKeys("blacklist", "clients", "recipient");
  }

  @Test
  void configLoaderReportsEzplanetProblemsAsConfigErrors() {
    assertThatThrownBy(
            () ->
                new ConfigLoader()
                    .parse(
                        "{\"postmaps\": [{\"service\": \"m\", \"database\": \"d\","
                            + " \"table\": \"t WHERE 1=1\", \"key\": \"k\"}],"
                            + " \"database\": {\"host\": [\"h\"]}}",
                        "ez.json",
                        Path.of(".")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("$.postmaps[0].table");
  }

  @Test
  void shippedExampleLoadsThroughConfigLoader() throws Exception {
    SockmapdConfig config = new ConfigLoader().load(Path.of("../examples/ezplanet/config.json"));

    assertThat(config.listen()).containsExactly(new Endpoint.Inet("0.0.0.0", 2224));
    assertThat(config.databases()).containsOnlyKeys("sockmapd_example");
    assertThat(config.databases().get("sockmapd_example").hosts())
        .containsExactly(new HostAndPort("127.0.0.1", 3306));
    assertThat(config.maps()).containsOnlyKeys("blacklist", "recipient");
  }
}
