package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.DatabaseType;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.Postmap;
import io.sockmapd.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sockmapd verify --sample} on SQLite tables, against native Postfix's {@code sqlite:}
 * tables: a legacy {@code table}/{@code where_field} file, a query, and a query whose key column
 * can't be named (the report says so and the map is still compared on the other tables' keys).
 */
class VerifySampleSqliteTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  @TempDir Path temp;

  @Test
  void sampledKeysFindADifferentQuery() throws Exception {
    Path postfix = Files.createDirectories(temp.resolve("postfix"));
    Postmap.require(postfix, Postmap.MAIN_CF, "sqlite");
    TestDatabase db = DBS.get(DatabaseType.SQLITE);
    db.execute(
        """
        CREATE TABLE alias (address TEXT, goto TEXT, active INTEGER);
        CREATE TABLE domain (domain TEXT);
        INSERT INTO alias VALUES ('alice@example.com', 'alice-box', 1),
          ('gone@example.com', 'gone-box', 0), ('@example.com', 'catchall-box', 1),
          ('bob@other.example', 'bob-box', 1);
        INSERT INTO domain VALUES ('example.com'), ('other.example');
        """);
    String dbpath = "dbpath = " + db.config().path() + "\n";
    Files.writeString(
        postfix.resolve("aliases.cf"),
        dbpath
            + "table = alias\nselect_field = goto\nwhere_field = address\n"
            + "additional_conditions = AND active = 1\n");
    Files.writeString(
        postfix.resolve("lowered.cf"),
        dbpath + "query = SELECT goto FROM alias WHERE lower(address) = lower('%s') AND 0\n");
    Files.writeString(
        postfix.resolve("domains.cf"),
        dbpath + "query = SELECT domain FROM domain WHERE domain = '%s'\n");
    Path mainCf = postfix.resolve("main.cf");
    Files.writeString(
        mainCf,
        Postmap.MAIN_CF
            + "recipient_delimiter = +\n"
            + "virtual_alias_maps = sqlite:"
            + postfix.resolve("aliases.cf")
            + ", sqlite:"
            + postfix.resolve("lowered.cf")
            + "\nvirtual_mailbox_domains = sqlite:"
            + postfix.resolve("domains.cf")
            + "\n");
    Path config = importConfig(mainCf);

    PostfixAdminMigrationTest.Run same =
        PostfixAdminMigrationTest.verify(config, mainCf, "--sample", "10");
    assertThat(same.status()).as(same.stdout() + same.stderr()).isZero();
    assertThat(same.stdout())
        .contains("aliases.cf: alias.address (%s): 4 values\n")
        .contains("lowered.cf: key column unknown (no plain comparison")
        .contains("domains.cf: domain.domain (%s): 2 values\n")
        // Sampled, derived (extension, catch-all, domain, upper case) and made-up keys, each map.
        .contains("sample virtual_alias_maps: 15 keys\n")
        .contains("sample virtual_mailbox_domains: 5 keys\n")
        .endsWith("20 keys, 0 differences\n");

    Path broken =
        PostfixAdminMigrationTest.withoutCondition(
            config, "/maps/virtual_alias_maps/queries/0", " AND active = 1");
    PostfixAdminMigrationTest.Run different =
        PostfixAdminMigrationTest.verify(broken, mainCf, "--sample", "10");
    assertThat(different.status()).as(different.stdout() + different.stderr()).isEqualTo(1);
    assertThat(different.stdout())
        .contains(
            "virtual_alias_maps gone@example.com: postfix OK catchall-box, sockmapd OK gone-box\n")
        .contains(
            "virtual_alias_maps gone+ext@example.com: postfix OK catchall-box, sockmapd OK gone-box\n")
        .endsWith("20 keys, 3 differences\n");
  }

  private Path importConfig(Path mainCf) throws Exception {
    PostfixAdminMigrationTest.Run imported =
        PostfixAdminMigrationTest.sockmapd(
            "import", "--main-cf", mainCf.toString(), "--listen", "inet:127.0.0.1:0");
    assertThat(imported.status()).as(imported.stderr()).isZero();
    return Files.writeString(temp.resolve("sockmapd.json"), imported.stdout());
  }
}
