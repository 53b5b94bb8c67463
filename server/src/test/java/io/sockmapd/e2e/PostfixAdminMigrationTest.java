package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.Daemon;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.Postmap;
import io.sockmapd.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A whole PostfixAdmin setup moved to sockmapd answers as Postfix did. The shipped {@code
 * examples/postfixadmin/postfix} main.cf and table files (PostfixAdmin's usual ones, on its real
 * column names) go through {@code sockmapd import --main-cf}; the daemon runs the result; every key
 * of a corpus with extensions, catch-alls, alias domains and inactive rows is asked through {@code
 * postmap -q KEY socketmap:...} and compared with what Postfix answers from the same table list.
 *
 * <p>The oracle for a list: {@code postmap -q} looks a key up as given in one table, so the search
 * order of virtual(5) is written out here, independently of sockmapd's code: for each key form
 * (address, address without extension, {@code @domain}), each table of the list in order, the first
 * hit wins. The test also shows that the corpus reaches the trap a socketmap per table falls into
 * (a catch-all in the first table winning over an alias-domain mapping in the second).
 */
class PostfixAdminMigrationTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  private static final Path EXAMPLE = Examples.ROOT.resolve("postfixadmin");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path temp;
  private static final Map<DatabaseType, Setup> SETUPS = new EnumMap<>(DatabaseType.class);
  private static Postmap postmap;

  /** PostfixAdmin rows for every case; goto values name the row they came from. */
  static final String DATA =
      """
      INSERT INTO domain (domain, active) VALUES
        ('example.com', TRUE), ('alias.example', TRUE), ('old-alias.example', TRUE),
        ('other.example', TRUE), ('off.example', FALSE);
      INSERT INTO alias_domain (alias_domain, target_domain, active) VALUES
        ('alias.example', 'example.com', TRUE), ('old-alias.example', 'example.com', FALSE);
      INSERT INTO mailbox (username, maildir, local_part, domain, active) VALUES
        ('alice@example.com', 'example.com/alice/', 'alice', 'example.com', TRUE),
        ('gone@example.com', 'example.com/gone/', 'gone', 'example.com', FALSE),
        ('carol@other.example', 'other.example/carol/', 'carol', 'other.example', TRUE);
      INSERT INTO alias (address, goto, domain, active) VALUES
        ('alice@example.com', 'alice@example.com', 'example.com', TRUE),
        ('sales@example.com', 'alice@example.com,bob@example.org', 'example.com', TRUE),
        ('gone@example.com', 'gone@example.com', 'example.com', FALSE),
        ('tagged+news@example.com', 'news-row@example.com', 'example.com', TRUE),
        ('@example.com', 'example-catchall@example.com', 'example.com', TRUE),
        ('@alias.example', 'alias-domain-catchall@example.com', 'alias.example', TRUE),
        ('carol@other.example', 'carol@other.example', 'other.example', TRUE),
        ('@off.example', 'off-catchall@example.com', 'off.example', FALSE);
      """;

  /** Keys as Postfix's cleanup and smtpd send them (also in mixed case, which SQL tables fold). */
  private static final List<String> ADDRESSES =
      List.of(
          "alice@example.com",
          "Alice+News@Example.COM",
          "sales+x@example.com",
          "gone@example.com",
          "nobody@example.com",
          "tagged+news@example.com",
          "tagged+other@example.com",
          "alice@alias.example",
          "alice+x@alias.example",
          "Sales@Alias.Example",
          "gone@alias.example",
          "nobody@alias.example",
          "nobody+x@alias.example",
          "alice@old-alias.example",
          "carol@other.example",
          "carol+x@other.example",
          "dave@other.example",
          "x@off.example",
          "postmaster+x@alias.example",
          "+x@alias.example");

  private static final List<String> DOMAINS =
      List.of("example.com", "Alias.Example", "off.example", "nowhere.example");

  @BeforeAll
  static void postfix() throws IOException {
    postmap =
        Postmap.require(
            Files.createDirectories(temp.resolve("postfix")),
            Postmap.MAIN_CF + "recipient_delimiter = +\n",
            "pgsql",
            "mysql");
  }

  static Stream<DatabaseType> types() {
    return DatabaseExtension.networkTypes();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void everyParameterAnswersAsPostfixsTableList(DatabaseType type) throws Exception {
    Setup setup = setUp(type);
    {
      SoftAssertions softly = new SoftAssertions();
      compare(softly, setup, "virtual_alias_maps", ADDRESSES, true);
      compare(softly, setup, "virtual_mailbox_maps", ADDRESSES, true);
      compare(softly, setup, "smtpd_sender_login_maps", ADDRESSES, true);
      compare(softly, setup, "virtual_mailbox_domains", DOMAINS, false);
      softly.assertAll();

      // The corpus reaches the trap: one socketmap per table, each with its own fallback keys,
      // would send alice@alias.example to the alias domain's catch-all.
      String key = "alice@alias.example";
      assertThat(perTableAnswer(setup, "virtual_alias_maps", key))
          .isEqualTo(new Postmap.Answer(0, "alias-domain-catchall@example.com\n"));
      assertThat(postmap.query(key, setup.socketmap("virtual_alias_maps")).answer())
          .isEqualTo(new Postmap.Answer(0, "alice@example.com\n"));
    }
  }

  /**
   * {@code sockmapd verify} finds no difference for the imported config, and names the keys whose
   * answers change when a map loses the fallback keys Postfix applies.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void verifyReportsDifferencesWithNativePostfix(DatabaseType type) throws Exception {
    Setup setup = setUp(type);
    List<String> lines = new ArrayList<>();
    for (String parameter :
        List.of("virtual_alias_maps", "virtual_mailbox_maps", "smtpd_sender_login_maps")) {
      ADDRESSES.forEach(key -> lines.add(parameter + " " + key));
    }
    DOMAINS.forEach(key -> lines.add("virtual_mailbox_domains " + key));
    Path keys = Files.write(setup.config().resolveSibling("keys.txt"), lines);

    Run same = verify(setup.config(), setup.mainCf(), keys);
    assertThat(same.status()).as(same.stderr()).isZero();
    assertThat(same.stdout()).isEqualTo(lines.size() + " keys, 0 differences\n");

    ObjectNode root = (ObjectNode) JSON.readTree(setup.config().toFile());
    ((ObjectNode) root.at("/maps/virtual_alias_maps")).remove("fallback_keys");
    Path broken = setup.config().resolveSibling("broken.json");
    Files.writeString(broken, JSON.writeValueAsString(root));
    Run different = verify(broken, setup.mainCf(), keys);
    assertThat(different.status()).as(different.stderr()).isEqualTo(1);
    assertThat(different.stdout())
        .contains(
            "virtual_alias_maps nobody@example.com: postfix OK example-catchall@example.com,"
                + " sockmapd NOTFOUND\n")
        .doesNotContain("virtual_mailbox_domains");
  }

  /**
   * {@code sockmapd verify --sample} draws keys from every table's key column (also the alias
   * domains of {@code alias_domain = '%d'}), finds no difference for the imported config, prints
   * the same report twice, and finds a map that answers inactive rows: the sample includes them,
   * though the native query's own conditions would never return them.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void verifySampleFindsADifferentQuery(DatabaseType type) throws Exception {
    Setup setup = setUp(type);
    Run same = verify(setup.config(), setup.mainCf(), "--sample", "20");
    assertThat(same.status()).as(same.stdout() + same.stderr()).isZero();
    assertThat(same.stdout())
        .contains("virtual_alias_maps.cf: alias.address (%s): 8 values\n")
        .contains("virtual_alias_domain_maps.cf: alias_domain.alias_domain (%d): 2 values\n")
        .contains("sender_login_maps.cf: mailbox.username (%s): 3 values\n")
        .contains("virtual_domains_maps.cf: domain.domain (%s): 5 values\n")
        .doesNotContain("unknown")
        .endsWith(" differences\n");
    assertThat(same.stdout().lines().reduce((a, b) -> b).orElseThrow()).endsWith(" 0 differences");
    assertThat(verify(setup.config(), setup.mainCf(), "--sample", "20").stdout())
        .isEqualTo(same.stdout());

    Path broken =
        withoutCondition(
            setup.config(), "/maps/virtual_mailbox_maps/queries/0", " AND active = '1'");
    Run different = verify(broken, setup.mainCf(), "--sample", "20");
    assertThat(different.status()).as(different.stdout() + different.stderr()).isEqualTo(1);
    assertThat(different.stdout())
        .contains(
            "virtual_mailbox_maps gone@example.com: postfix NOTFOUND, sockmapd OK"
                + " example.com/gone/\n")
        .doesNotContain("virtual_alias_maps gone@example.com:");
  }

  /** What one {@code sockmapd verify} printed and returned. */
  record Run(int status, String stdout, String stderr) {}

  private static Run verify(Path config, Path mainCf, Path keys) {
    return verify(config, mainCf, "--keys", keys.toString());
  }

  /**
   * A copy of {@code config} ({@code answers-inactive.json} beside it) whose query at {@code
   * pointer} lacks {@code condition}, so it also answers the rows the condition left out.
   */
  static Path withoutCondition(Path config, String pointer, String condition) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(config.toFile());
    ObjectNode table = (ObjectNode) root.at(pointer);
    String query = table.get("query").asText();
    assertThat(query).contains(condition);
    table.put("query", query.replace(condition, ""));
    return Files.writeString(
        config.resolveSibling("answers-inactive.json"), JSON.writeValueAsString(root));
  }

  /** {@code sockmapd verify --config CONFIG --main-cf MAIN_CF KEY_OPTIONS...}, in-process. */
  static Run verify(Path config, Path mainCf, String... keyOptions) {
    List<String> args =
        new ArrayList<>(
            List.of("verify", "--config", config.toString(), "--main-cf", mainCf.toString()));
    args.addAll(List.of(keyOptions));
    return sockmapd(args.toArray(String[]::new));
  }

  /** {@code sockmapd ARGS...}, in-process, leaving the test's log levels as they were. */
  static Run sockmapd(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    io.sockmapd.testing.LogLevels levels = io.sockmapd.testing.LogLevels.keep();
    try {
      status =
          io.sockmapd.cli.Main.execute(
              args,
              io.sockmapd.cli.Backends.DEFAULT,
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
    } finally {
      levels.close();
    }
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Every key, through sockmapd and through Postfix's own search of the parameter's tables. */
  private static void compare(
      SoftAssertions softly, Setup setup, String parameter, List<String> keys, boolean address) {
    List<String> tables = setup.tables().get(parameter);
    for (String key : keys) {
      Postmap.Answer expected = new Postmap.Answer(1, "");
      search:
      for (String form : address ? addressForms(key) : List.of(key)) {
        for (String table : tables) {
          Postmap.Answer answer = postmap.query(form, table).answer();
          if (answer.exit() == 0) {
            expected = answer;
            break search;
          }
        }
      }
      softly
          .assertThat(postmap.query(key, setup.socketmap(parameter)).answer())
          .as("%s %s", parameter, key)
          .isEqualTo(expected);
    }
  }

  /** What one socketmap per table, each trying its own fallback keys, would answer. */
  private static Postmap.Answer perTableAnswer(Setup setup, String parameter, String key) {
    for (String table : setup.tables().get(parameter)) {
      for (String form : addressForms(key)) {
        Postmap.Answer answer = postmap.query(form, table).answer();
        if (answer.exit() == 0) {
          return answer;
        }
      }
    }
    return new Postmap.Answer(1, "");
  }

  /**
   * virtual(5)'s forms: the address; without its extension (at the first {@code +}, not when the
   * local part starts with it, never for postmaster); {@code @domain}.
   */
  static List<String> addressForms(String address) {
    int at = address.lastIndexOf('@');
    String local = address.substring(0, at);
    String domain = address.substring(at);
    List<String> forms = new ArrayList<>(List.of(address));
    int plus = local.indexOf('+');
    if (plus > 0 && !local.substring(0, plus).equalsIgnoreCase("postmaster")) {
      forms.add(local.substring(0, plus) + domain);
    }
    forms.add(domain);
    return forms;
  }

  /**
   * @param tables each parameter's native tables, in main.cf order ({@code pgsql:FILE})
   * @param config the imported sockmapd config
   * @param mainCf the Postfix main.cf it was imported from
   */
  record Setup(Daemon daemon, Map<String, List<String>> tables, Path config, Path mainCf) {
    String socketmap(String map) {
      return "socketmap:inet:127.0.0.1:" + daemon.server().port() + ":" + map;
    }
  }

  @AfterAll
  static void stopDaemons() {
    SETUPS.values().forEach(s -> s.daemon().close());
    SETUPS.clear();
  }

  /** Database, the example files pointed at it, import from main.cf, daemon; once per engine. */
  private static synchronized Setup setUp(DatabaseType type) throws Exception {
    Setup existing = SETUPS.get(type);
    if (existing != null) {
      return existing;
    }
    Setup created = create(type);
    SETUPS.put(type, created);
    return created;
  }

  private static Setup create(DatabaseType type) throws Exception {
    TestDatabase db = DBS.get(type);
    String postfixType = type == DatabaseType.MYSQL ? "mysql" : "pgsql";
    db.execute(
        Files.readString(
            EXAMPLE.resolve(
                type == DatabaseType.MYSQL ? "schema-mysql.sql" : "schema-postgresql.sql")));
    db.execute(DATA);

    Path folder = Files.createDirectories(temp.resolve(postfixType));
    Path sql = Files.createDirectories(folder.resolve("sql"));
    String connection = Postmap.connectionLines(db.config());
    try (Stream<Path> files = Files.list(EXAMPLE.resolve("postfix/sql"))) {
      for (Path file : files.toList()) {
        Files.writeString(
            sql.resolve(file.getFileName()),
            PostfixDifferentialTest.withConnection(Files.readString(file), connection));
      }
    }
    String mainCf =
        Files.readString(EXAMPLE.resolve("postfix/main.cf"))
            .replace("sql = /etc/postfix/sql", "sql = " + sql.toAbsolutePath())
            .replace("pgsql:", postfixType + ":");
    Path main = folder.resolve("main.cf");
    Files.writeString(main, mainCf);

    Run imported = sockmapd("import", "--main-cf", main.toString(), "--listen", "inet:127.0.0.1:0");
    String stderr = imported.stderr();
    assertThat(imported.status()).as("sockmapd import: %s", stderr).isZero();
    assertThat(stderr)
        .contains(
            "postconf -e 'virtual_alias_maps = socketmap:inet:127.0.0.1:0:virtual_alias_maps'");
    ObjectNode root = (ObjectNode) JSON.readTree(imported.stdout());
    assertThat(root.at("/maps/virtual_alias_maps/queries").size()).isEqualTo(3);
    assertThat(root.at("/maps/virtual_mailbox_domains/fallback_keys").isMissingNode()).isTrue();
    Path config = folder.resolve("sockmapd.json");
    Files.writeString(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));

    Map<String, List<String>> tables = new LinkedHashMap<>();
    String table = postfixType + ":" + sql.toAbsolutePath() + "/";
    tables.put("virtual_mailbox_domains", List.of(table + "virtual_domains_maps.cf"));
    tables.put(
        "virtual_alias_maps",
        List.of(
            table + "virtual_alias_maps.cf",
            table + "virtual_alias_domain_maps.cf",
            table + "virtual_alias_domain_catchall_maps.cf"));
    tables.put(
        "virtual_mailbox_maps",
        List.of(table + "virtual_mailbox_maps.cf", table + "virtual_alias_domain_mailbox_maps.cf"));
    tables.put("smtpd_sender_login_maps", List.of(table + "sender_login_maps.cf"));
    return new Setup(Examples.startDaemon(config), tables, config, main);
  }
}
