package io.sockmapd.config.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.FallbackKey;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sockmapd import --main-cf}: a whole Postfix configuration, read without postconf. */
class MainCfImportTest {
  private static final String CONNECTION =
      "hosts = inet:127.0.0.1\nuser = postfix\npassword = pw\ndbname = mail\n";

  @TempDir Path dir;

  private void table(String name, String query) throws IOException {
    Files.writeString(dir.resolve(name + ".cf"), CONNECTION + "query = " + query + "\n");
  }

  private PostfixTableImporter.Result importMainCf(String mainCf, String masterCf)
      throws IOException {
    Path main = Files.writeString(dir.resolve("main.cf"), mainCf.replace("DIR", dir.toString()));
    if (!masterCf.isEmpty()) {
      Files.writeString(dir.resolve("master.cf"), masterCf.replace("DIR", dir.toString()));
    }
    return PostfixTableImporter.importMainCf(main, null, null, false, null);
  }

  private SockmapdConfig load(PostfixTableImporter.Result result) throws Exception {
    assertThat(result.errors()).isEmpty();
    assertThat(result.json()).isNotNull();
    Path file = Files.writeString(dir.resolve("sockmapd.json"), result.json());
    return new ConfigLoader(name -> null).load(file);
  }

  @Test
  void aListOfTablesBecomesOneMapSearchedWithTheParametersKeyForms() throws Exception {
    table("alias", "SELECT goto FROM alias WHERE address = '%s'");
    table("alias_domain", "SELECT goto FROM alias_domain WHERE d = '%d' AND u = '%u'");
    table("domains", "SELECT domain FROM domain WHERE domain = '%s'");
    PostfixTableImporter.Result result =
        importMainCf(
            """
            recipient_delimiter = +
            queue_directory = /var/spool/postfix
            tables = DIR
            virtual_alias_maps = proxy:pgsql:$tables/alias.cf,
                pgsql:${tables}/alias_domain.cf
            virtual_mailbox_domains = pgsql:$(tables)/domains.cf
            """,
            "");
    SockmapdConfig config = load(result);

    MapConfig aliases = config.maps().get("virtual_alias_maps");
    assertThat(aliases.queries())
        .extracting(MapConfig::query)
        .containsExactly(
            "SELECT goto FROM alias WHERE address = '%s'",
            "SELECT goto FROM alias_domain WHERE d = '%d' AND u = '%u'");
    assertThat(aliases.fallbackKeys())
        .containsExactly(FallbackKey.USER_AT_DOMAIN, FallbackKey.AT_DOMAIN);
    assertThat(aliases.recipientDelimiter()).isEqualTo("+");
    // A domain list: the domain is the key; no @domain, no extension.
    MapConfig domains = config.maps().get("virtual_mailbox_domains");
    assertThat(domains.isTableList()).isFalse();
    assertThat(domains.fallbackKeys()).isEmpty();

    assertThat(config.listen()).hasToString("[unix:/var/spool/postfix/private/sockmapd]");
    assertThat(result.postconf())
        .containsExactly(
            "postconf -e 'virtual_alias_maps = socketmap:unix:private/sockmapd:virtual_alias_maps'",
            "postconf -e 'virtual_mailbox_domains ="
                + " socketmap:unix:private/sockmapd:virtual_mailbox_domains'");
    assertThat(result.warnings()).noneMatch(w -> w.contains("fallback_keys"));
  }

  @Test
  void withoutRecipientDelimiterOnlyTheCatchAllIsAFallback() throws Exception {
    table("alias", "SELECT goto FROM alias WHERE address = '%s'");
    SockmapdConfig config = load(importMainCf("virtual_alias_maps = pgsql:DIR/alias.cf\n", ""));

    assertThat(config.maps().get("virtual_alias_maps").fallbackKeys())
        .containsExactly(FallbackKey.AT_DOMAIN);
  }

  @Test
  void masterCfOverridesAndRestrictionTablesGetMapsOfTheirOwn() throws Exception {
    table("logins", "SELECT login FROM logins WHERE address = '%s'");
    table("access", "SELECT action FROM access WHERE k = '%s'");
    PostfixTableImporter.Result result =
        importMainCf(
            """
            smtpd_recipient_restrictions = permit_mynetworks,
                check_recipient_access pgsql:DIR/access.cf, reject_unauth_destination
            """,
            """
            # service type  private unpriv  chroot  wakeup  maxproc command + args
            submission inet n       -       y       -       -       smtpd
              -o smtpd_sender_login_maps=pgsql:DIR/logins.cf
              -o smtpd_tls_security_level=encrypt
            """);
    SockmapdConfig config = load(result);

    assertThat(config.maps())
        .containsOnlyKeys(
            "smtpd_recipient_restrictions_access", "submission_smtpd_sender_login_maps");
    assertThat(config.maps().get("submission_smtpd_sender_login_maps").fallbackKeys())
        .containsExactly(FallbackKey.AT_DOMAIN);
    assertThat(result.postconf())
        .containsExactly(
            "postconf -e 'smtpd_recipient_restrictions = permit_mynetworks check_recipient_access"
                + " socketmap:unix:private/sockmapd:smtpd_recipient_restrictions_access"
                + " reject_unauth_destination'",
            "postconf -P 'submission/inet/smtpd_sender_login_maps="
                + "socketmap:unix:private/sockmapd:submission_smtpd_sender_login_maps'");
    // access(5) tries domain, parent domains and localpart@, which fallback keys can't express.
    assertThat(result.warnings()).anyMatch(w -> w.startsWith("smtpd_recipient_restrictions: "));
  }

  @Test
  void noSqlTablesIsAnError() throws Exception {
    PostfixTableImporter.Result result =
        importMainCf("virtual_alias_maps = hash:/etc/postfix/virtual\n", "");

    assertThat(result.json()).isNull();
    assertThat(result.errors()).singleElement().asString().contains("no pgsql:, mysql: or sqlite:");
  }

  @Test
  void passwordsGoToFilesOnlyTheOwnerCanRead() throws Exception {
    table("alias", "SELECT goto FROM alias WHERE address = '%s'");
    Path main =
        Files.writeString(
            dir.resolve("main.cf"), "virtual_alias_maps = pgsql:" + dir.resolve("alias.cf") + "\n");
    Path secrets = dir.resolve("secrets");
    PostfixTableImporter.Result result =
        PostfixTableImporter.importMainCf(main, null, null, false, secrets);
    SockmapdConfig config = load(result);

    Path file = secrets.resolve("mail.password");
    assertThat(result.json()).doesNotContain("\"pw\"").contains(file.toAbsolutePath().toString());
    assertThat(Files.readString(file)).isEqualTo("pw\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(config.databases().get("mail").password().reveal()).isEqualTo("pw");
    assertThat(result.warnings()).noneMatch(w -> w.contains("contains database passwords"));
  }

  @Test
  void nothingIsWrittenWhenTheImportFails() throws Exception {
    table("alias", "SELECT goto FROM alias WHERE address = '%s'");
    Path main =
        Files.writeString(
            dir.resolve("main.cf"),
            "virtual_alias_maps = pgsql:" + dir.resolve("alias.cf") + ", pgsql:/nonexistent.cf\n");
    Path secrets = dir.resolve("secrets");
    PostfixTableImporter.Result result =
        PostfixTableImporter.importMainCf(main, null, null, false, secrets);

    assertThat(result.json()).isNull();
    assertThat(secrets).doesNotExist();
  }

  @Test
  void noPostconfCommandForALookupPostfixRefusesToSendToASocketmap() throws Exception {
    table("mailbox", "SELECT maildir FROM mailbox WHERE username = '%s'");
    PostfixTableImporter.Result result =
        importMainCf("virtual_mailbox_maps = pgsql:DIR/mailbox.cf\n", "");

    assertThat(load(result).maps()).containsOnlyKeys("virtual_mailbox_maps");
    assertThat(result.postconf()).isEmpty();
    assertThat(result.warnings())
        .anyMatch(w -> w.startsWith("virtual_mailbox_maps: imported, but Postfix's delivery"));
  }
}
