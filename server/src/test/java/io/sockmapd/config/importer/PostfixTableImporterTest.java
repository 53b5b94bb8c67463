package io.sockmapd.config.importer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.config.TlsMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostfixTableImporterTest {
  private static final Path EXAMPLES = Path.of("../examples/postfix");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path cf(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  /** Writes the output next to nothing else and loads it as the daemon would. */
  private SockmapdConfig load(PostfixTableImporter.Result result) throws Exception {
    assertThat(result.errors()).isEmpty();
    assertThat(result.json()).isNotNull();
    Path file = Files.writeString(dir.resolve("sockmapd.json"), result.json());
    return new ConfigLoader(name -> null).load(file);
  }

  private static PostfixTableImporter.Result run(String... tables) {
    return PostfixTableImporter.importTables(List.of(tables), null, null);
  }

  @Test
  void pgsqlExamplesShareOneDatabaseAndLoad() throws Exception {
    PostfixTableImporter.Result result =
        run(
            "pgsql:" + EXAMPLES.resolve("pgsql/virtual_alias_maps.cf"),
            "pgsql:" + EXAMPLES.resolve("pgsql/virtual_mailbox_maps.cf"),
            "proxy:pgsql:" + EXAMPLES.resolve("pgsql/virtual_mailbox_domains.cf"));
    SockmapdConfig config = load(result);

    assertThat(config.listen()).hasToString("[inet:127.0.0.1:8732]");
    assertThat(config.databases()).containsOnlyKeys("postfix_example");
    DatabaseConfig db = config.databases().get("postfix_example");
    assertThat(db.type()).isEqualTo(DatabaseType.POSTGRESQL);
    assertThat(db.hosts()).containsExactly(new HostAndPort("127.0.0.1", 5432));
    assertThat(db.database()).isEqualTo("postfix_example");
    assertThat(db.user()).isEqualTo("postfix");
    assertThat(db.password().reveal()).isEqualTo("change-me");

    assertThat(config.maps())
        .containsOnlyKeys("virtual_alias_maps", "virtual_mailbox_maps", "virtual_mailbox_domains");
    MapConfig aliases = config.maps().get("virtual_alias_maps");
    assertThat(aliases.database()).isEqualTo("postfix_example");
    assertThat(aliases.query())
        .isEqualTo("SELECT goto FROM alias        WHERE address = '%s'          AND active = 1");
    assertThat(aliases.foldCase()).isTrue();
    MapConfig mailboxes = config.maps().get("virtual_mailbox_maps");
    assertThat(mailboxes.domain()).containsExactly("example.com", "example.net");
    assertThat(mailboxes.expansionLimit()).isEqualTo(1);
    assertThat(config.maps().get("virtual_mailbox_domains").resultFormat()).isEqualTo("%s OK");

    assertThat(result.warnings())
        .anyMatch(w -> w.contains("\"proxy:\" dropped"))
        .anyMatch(w -> w.contains("password_file"))
        .anyMatch(
            w ->
                w.startsWith(
                    EXAMPLES.resolve("pgsql/virtual_alias_maps.cf") + ": the query uses only %s"))
        .noneMatch(
            w ->
                w.startsWith(
                    EXAMPLES.resolve("pgsql/virtual_mailbox_maps.cf") + ": the query uses only"));
  }

  @Test
  void mysqlLegacyFieldsBuildPostfixsQuery() throws Exception {
    SockmapdConfig config =
        load(
            run(
                "mysql:" + EXAMPLES.resolve("mysql/virtual_alias_maps.cf"),
                "mysql:" + EXAMPLES.resolve("mysql/virtual_mailbox_domains.cf")));

    assertThat(config.maps().get("virtual_alias_maps").query())
        .isEqualTo("SELECT goto FROM alias WHERE address='%s' AND active = 1");
    assertThat(config.databases()).containsOnlyKeys("postfix_example");
    assertThat(config.databases().get("postfix_example").type()).isEqualTo(DatabaseType.MYSQL);
    assertThat(config.databases().get("postfix_example").hosts())
        .containsExactly(new HostAndPort("127.0.0.1", 3306));
  }

  @Test
  void sqliteDbpathIsToldFromTheContents() throws Exception {
    PostfixTableImporter.Result result =
        run(EXAMPLES.resolve("sqlite/virtual_alias_maps.cf").toString());
    SockmapdConfig config = load(result);

    DatabaseConfig db = config.databases().get("postfix");
    assertThat(db.type()).isEqualTo(DatabaseType.SQLITE);
    assertThat(db.path()).isEqualTo(Path.of("/var/lib/postfix-example/postfix.sqlite"));
    assertThat(config.maps().get("virtual_alias_maps").database()).isEqualTo("postfix");
  }

  @Test
  void typeOptionAppliesToFilesWithoutPrefixAndAmbiguousFilesAreErrors() throws Exception {
    Path file =
        cf("relay.cf", "hosts = db1\ndbname = mail\nquery = SELECT 'OK' WHERE '%d' = 'x'\n");

    PostfixTableImporter.Result ambiguous = run(file.toString());
    assertThat(ambiguous.json()).isNull();
    assertThat(ambiguous.errors())
        .singleElement()
        .asString()
        .contains("cannot tell pgsql from mysql");

    SockmapdConfig config =
        load(PostfixTableImporter.importTables(List.of(file.toString()), DatabaseType.MYSQL, null));
    assertThat(config.databases().get("mail").type()).isEqualTo(DatabaseType.MYSQL);
    assertThat(config.databases().get("mail").hosts())
        .containsExactly(new HostAndPort("db1", 3306));
  }

  @Test
  void differentConnectionSettingsGetTheirOwnDatabase() throws Exception {
    Path a =
        cf("a.cf", "hosts = db1\ndbname = mail\nuser = a\nquery = SELECT 1 WHERE '%u' = 'x'\n");
    Path b =
        cf("b.cf", "hosts = db1\ndbname = mail\nuser = b\nquery = SELECT 1 WHERE '%u' = 'x'\n");
    Path c =
        cf(
            "c.cf",
            "hosts = inet:db1:5432\ndbname = mail\nuser = a\nquery = SELECT 1 WHERE '%u' = 'x'\n");

    SockmapdConfig config = load(run("pgsql:" + a, "pgsql:" + b, "pgsql:" + c));

    assertThat(config.databases()).containsOnlyKeys("mail", "mail_2");
    assertThat(config.maps().get("a").database()).isEqualTo("mail");
    assertThat(config.maps().get("b").database()).isEqualTo("mail_2");
    assertThat(config.maps().get("c").database()).isEqualTo("mail");
  }

  @Test
  void unsupportedParametersAreWarningsAndRetryIntervalIsMapped() throws Exception {
    Path file =
        cf(
            "access.cf",
            """
            hosts = unix:/run/mysqld/mysqld.sock inet:db1:3307, db2
            dbname = mail
            user = postfix
            option_file = /etc/my.cnf
            tls_cert_file = /etc/ssl/client.pem
            tls_CAfile = /etc/ssl/ca.pem
            tls_verify_cert = yes
            idle_interval = 30s
            retry_interval = 45s
            require_result_set = no
            colour = blue
            query = SELECT action FROM access WHERE address = '%s'
            """);

    PostfixTableImporter.Result result = run("mysql:" + file);
    SockmapdConfig config = load(result);

    DatabaseConfig db = config.databases().get("mail");
    assertThat(db.hosts())
        .containsExactly(new HostAndPort("db1", 3307), new HostAndPort("db2", 3306));
    assertThat(db.retryInterval()).isEqualTo(Duration.ofSeconds(45));
    assertThat(db.tlsMode()).isEqualTo(TlsMode.VERIFY_FULL);
    assertThat(db.tlsCaFile()).isEqualTo(Path.of("/etc/ssl/ca.pem"));
    assertThat(result.warnings())
        .anyMatch(w -> w.contains("unix:/run/mysqld/mysqld.sock skipped"))
        .anyMatch(w -> w.contains("option_file ignored"))
        .anyMatch(w -> w.contains("tls_cert_file ignored"))
        .anyMatch(w -> w.contains("idle_interval ignored"))
        .anyMatch(w -> w.contains("require_result_set = no is not supported"))
        .anyMatch(w -> w.contains("parameter colour is unknown to mysql_table(5)"));
  }

  @Test
  void whatWouldChangeAnswersIsAnErrorAndNothingIsPrinted() throws Exception {
    Path unixOnly =
        cf("u.cf", "hosts = unix:/run/postgresql\ndbname = m\nquery = SELECT 1 WHERE '%s' = ''\n");
    Path tableDomain =
        cf(
            "d.cf",
            "dbname = m\ndomain = example.com hash:/etc/postfix/domains\nquery = SELECT '%s'\n");
    Path uri = cf("r.cf", "hosts = postgresql://u@db/m\ndbname = m\nquery = SELECT '%s'\n");
    Path noQuery = cf("q.cf", "dbname = m\nselect_field = goto\ntable = alias\n");

    PostfixTableImporter.Result result =
        run(
            "pgsql:" + unixOnly,
            "pgsql:" + tableDomain,
            "pgsql:" + uri,
            "pgsql:" + noQuery,
            "pgsql:" + dir.resolve("missing.cf"),
            "hash:/etc/postfix/virtual");

    assertThat(result.json()).isNull();
    assertThat(result.errors())
        .anyMatch(e -> e.startsWith(unixOnly + ": no TCP host left"))
        .anyMatch(
            e -> e.startsWith(tableDomain + ": domain: lookup tables (hash:/etc/postfix/domains)"))
        .anyMatch(e -> e.startsWith(uri + ": connection URIs are not supported"))
        .anyMatch(e -> e.startsWith(noQuery + ": no query") && e.contains("missing: where_field"))
        .anyMatch(e -> e.startsWith(dir.resolve("missing.cf") + ": cannot read"))
        .anyMatch(e -> e.startsWith("hash:/etc/postfix/virtual: not an SQL table"))
        .hasSize(6);
  }

  @Test
  void domainFilesAreInlined() throws Exception {
    Path domains =
        Files.writeString(
            dir.resolve("domains"), "# ours\nExample.com example.net\n\nexample.org\n");
    Path file =
        cf(
            "v.cf",
            "dbname = m\ndomain = "
                + domains
                + ", example.info\nquery = SELECT goto FROM alias WHERE address = '%s'\n");

    SockmapdConfig config = load(run("pgsql:" + file));

    assertThat(config.maps().get("v").domain())
        .containsExactly("example.com", "example.net", "example.org", "example.info");
  }

  @Test
  void queryWinsOverSelectFunctionAndLegacyFieldsWhichWinOverNothing() throws Exception {
    Path both =
        cf("both.cf", "dbname = m\nquery = SELECT a FROM t WHERE k = '%s'\nselect_field = b\n");
    Path function = cf("fn.cf", "dbname = m\nselect_function = lookup_alias\n");

    PostfixTableImporter.Result result = run("pgsql:" + both, "pgsql:" + function);
    SockmapdConfig config = load(result);

    assertThat(config.maps().get("both").query()).isEqualTo("SELECT a FROM t WHERE k = '%s'");
    assertThat(config.maps().get("fn").query()).isEqualTo("SELECT lookup_alias('%s')");
    assertThat(result.warnings()).anyMatch(w -> w.startsWith(both + ": query is set, so"));
  }

  @Test
  void fullKeyNoteNamesTheRecipientDelimiterFromMainCf() throws Exception {
    Path main = cf("main.cf", "myhostname = mx.example.com\nrecipient_delimiter = +-\n");
    Path file =
        cf("aliases.cf", "dbname = m\nquery = SELECT goto FROM alias WHERE address = '%s'\n");

    PostfixTableImporter.Result result =
        PostfixTableImporter.importTables(List.of("pgsql:" + file), null, main);

    assertThat(result.warnings())
        .anyMatch(
            w ->
                w.contains("\"fallback_keys\": [\"user@domain\", \"@domain\"]")
                    && w.contains("\"recipient_delimiter\": \"+-\"."));
  }

  /**
   * Postfix folds non-ASCII keys only with {@code smtputf8_enable = yes}, whose default depends on
   * {@code compatibility_level}: the import carries the setting over when it is off.
   */
  @Test
  void smtputf8EnableFromMainCf() throws Exception {
    Path file = cf("a.cf", "dbname = m\nquery = SELECT goto FROM alias WHERE address = '%s'\n");
    Map<String, Boolean> expected = new java.util.LinkedHashMap<>();
    expected.put("compatibility_level = 3.6\n", true);
    expected.put("compatibility_level = 1\n", true);
    expected.put("", false); // level 0: Postfix's backwards-compatible default
    expected.put("compatibility_level = 0\n", false);
    expected.put("compatibility_level = 3.6\nsmtputf8_enable = no\n", false);
    expected.put("smtputf8_enable = yes\n", true);
    expected.put("compatibility_level = 2\nsmtputf8_enable = $whatever\n", true);
    for (Map.Entry<String, Boolean> e : expected.entrySet()) {
      Path main = cf("main.cf", e.getKey());
      PostfixTableImporter.Result result =
          PostfixTableImporter.importTables(List.of("pgsql:" + file), null, main);
      assertThat(load(result).maps().get("a").smtputf8Enable())
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
    assertThat(PostfixTableImporter.importTables(List.of("pgsql:" + file), null, null).json())
        .doesNotContain("smtputf8");
  }

  @Test
  void outputIsPrettySnakeCaseJsonWithOnlyNonDefaultMapKeys() throws Exception {
    Path file =
        cf(
            "t.cf",
            "dbname = m\nhosts = db\nquery = SELECT nexthop FROM transport WHERE domain = '%d'\n");

    PostfixTableImporter.Result result = run("pgsql:" + file);
    JsonNode root = JSON.readTree(result.json());

    assertThat(result.json()).contains("\n  \"listen\" : [ \"inet:127.0.0.1:8732\" ]");
    assertThat(root.get("maps").get("t").fieldNames())
        .toIterable()
        .containsExactly("database", "query");
    assertThat(root.get("databases").get("m").fieldNames())
        .toIterable()
        .containsExactly("type", "hosts", "database");
    assertThat(root.get("databases").get("m").get("type").asText()).isEqualTo("postgresql");
  }
}
