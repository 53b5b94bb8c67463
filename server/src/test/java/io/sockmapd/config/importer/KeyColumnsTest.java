package io.sockmapd.config.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.importer.KeyColumns.Column;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The key columns read from table files, PostfixAdmin's queries among them. */
class KeyColumnsTest {
  @Test
  void legacyFieldsNameTheTableAndColumn() {
    assertThat(
            KeyColumns.of(Map.of("table", "virtual", "where_field", "email", "select_field", "x")))
        .isEqualTo(
            new KeyColumns.Found(java.util.List.of(new Column("virtual", "email", 's')), null));
  }

  @Test
  void queriesNameEveryComparedColumnAcrossUnions() {
    KeyColumns.Found found =
        KeyColumns.of(
            Map.of(
                "query",
                "SELECT username FROM mailbox WHERE username = '%s' AND active = '1' UNION"
                    + " SELECT goto FROM alias WHERE address = '%s' AND active = '1'"));
    assertThat(found.unknown()).isNull();
    assertThat(found.columns())
        .containsExactly(
            new Column("mailbox", "username", 's'), new Column("alias", "address", 's'));
  }

  @Test
  void qualifiedColumnsAndAliasesResolveToTheirTables() {
    KeyColumns.Found found =
        KeyColumns.ofQuery(
            "SELECT goto FROM alias, alias_domain AS ad WHERE ad.alias_domain = '%D' AND"
                + " alias.address = CONCAT('%u', '@', ad.target_domain)");
    assertThat(found.columns()).containsExactly(new Column("alias_domain", "alias_domain", 'd'));
    assertThat(KeyColumns.ofQuery("SELECT x FROM public.t WHERE '%u' = local").columns())
        .containsExactly(new Column("public.t", "local", 'u'));
    assertThat(
            KeyColumns.ofQuery("SELECT m.x FROM mailbox m JOIN d ON d.name = '%d' WHERE 1 = 1")
                .columns())
        .containsExactly(new Column("d", "name", 'd'));
  }

  @Test
  void whatCannotBeNamedSaysWhy() {
    assertThat(KeyColumns.ofQuery("SELECT goto FROM alias WHERE lower(address) = '%s'").unknown())
        .contains("no plain comparison");
    assertThat(KeyColumns.ofQuery("SELECT goto FROM a, b WHERE address = '%s'").unknown())
        .contains("unqualified");
    assertThat(KeyColumns.of(Map.of("select_function", "lookup")).unknown())
        .contains("select_function");
    assertThat(KeyColumns.of(Map.of("table", "t")).unknown()).isNotNull();
  }
}
