package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockmapd.config.FallbackKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Query parsing, quoting, placeholders and key forms, without a database. */
class QueryTemplateTest {

  static QueryTemplate.Binding bind(String query, SqlDialect dialect, String key) {
    return QueryTemplate.parse(query, dialect).bind(key).orElseThrow();
  }

  @Test
  void placeholdersPerDialect() {
    String query = "SELECT goto FROM alias WHERE local = '%u' AND domain = '%d'";
    assertThat(bind(query, SqlDialect.POSTGRESQL, "a@b").sql())
        .isEqualTo("SELECT goto FROM alias WHERE local = $1 AND domain = $2");
    assertThat(bind(query, SqlDialect.MYSQL, "a@b").sql())
        .isEqualTo("SELECT goto FROM alias WHERE local = ? AND domain = ?");
    assertThat(bind(query, SqlDialect.SQLITE, "a@b").params().getString(1)).isEqualTo("b");
  }

  /**
   * PostgreSQL: each parameter sent as text and cast to the type the server inferred for it (a
   * {@code text} one stays bare), numbered on through every copy of a combined statement.
   */
  @Test
  void typedParametersAreTextCastToTheirType() {
    QueryTemplate typed =
        QueryTemplate.parse("SELECT v FROM t WHERE id = %u AND name = '%d'", SqlDialect.POSTGRESQL)
            .typed(List.of("pg_catalog.int4", "pg_catalog.text"));
    assertThat(typed.statement(1))
        .isEqualTo("SELECT v FROM t WHERE id = CAST($1::text AS pg_catalog.int4) AND name = $2");
    assertThat(typed.statement(2))
        .contains("id = CAST($1::text AS pg_catalog.int4) AND name = $2)")
        .contains("id = CAST($3::text AS pg_catalog.int4) AND name = $4)");
    // The binding and its parameters do not change: only the statement text does.
    assertThat(typed.bindAll(List.of("5@x")).params().getString(0)).isEqualTo("5");
    assertThatThrownBy(() -> typed.typed(List.of("pg_catalog.int4")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void literalWithExpansionsIsOneParameterWithItsDecodedContent() {
    QueryTemplate.Binding pg =
        bind("SELECT 1 WHERE x = 'it''s %u@%d' AND y LIKE '%u%%'", SqlDialect.POSTGRESQL, "a@b");
    assertThat(pg.sql()).isEqualTo("SELECT 1 WHERE x = $1 AND y LIKE $2");
    assertThat(pg.params().getString(0)).isEqualTo("it's a@b");
    assertThat(pg.params().getString(1)).isEqualTo("a%");
    // MySQL: backslash escapes inside literals; \% stays a LIKE escape.
    QueryTemplate.Binding my =
        bind("SELECT 1 WHERE x = 'it\\'s\\n%s' AND y LIKE \"\\%%%s\"", SqlDialect.MYSQL, "k");
    assertThat(my.sql()).isEqualTo("SELECT 1 WHERE x = ? AND y LIKE ?");
    assertThat(my.params().getString(0)).isEqualTo("it's\nk");
    assertThat(my.params().getString(1)).isEqualTo("\\%k");
    // PostgreSQL: a backslash is plain text in a standard literal.
    assertThat(bind("SELECT '\\%s'", SqlDialect.POSTGRESQL, "k").params().getString(0))
        .isEqualTo("\\k");
  }

  @Test
  void literalsWithoutExpansionsStaySqlAndKeysNeverEnterSql() {
    QueryTemplate.Binding b =
        bind("SELECT 'OK' FROM d WHERE d = %s AND n LIKE 'a%%'", SqlDialect.SQLITE, "x'; --");
    assertThat(b.sql()).isEqualTo("SELECT 'OK' FROM d WHERE d = ? AND n LIKE 'a%'");
    assertThat(b.sql()).doesNotContain("x'");
    assertThat(b.params().getString(0)).isEqualTo("x'; --");
  }

  @Test
  void quotesAndCommentsDecideWhatIsALiteral() {
    // A quote inside a comment or identifier does not open a literal.
    QueryTemplate.Binding b =
        bind("SELECT \"it's\" -- don't\n FROM t WHERE k = '%s'", SqlDialect.POSTGRESQL, "k");
    assertThat(b.sql()).isEqualTo("SELECT \"it's\"  \n FROM t WHERE k = $1");
    // In MySQL "..." is a string and ` quotes identifiers.
    assertThat(bind("SELECT `it's` FROM t WHERE k = \"%s\"", SqlDialect.MYSQL, "k").sql())
        .isEqualTo("SELECT `it's` FROM t WHERE k = ?");
    assertThat(bind("SELECT 1 FROM t WHERE k = '%s';  ", SqlDialect.SQLITE, "k").sql())
        .isEqualTo("SELECT 1 FROM t WHERE k = ?");
  }

  @Test
  void configErrors() {
    assertThatThrownBy(() -> QueryTemplate.parse("SELECT '%x'", SqlDialect.SQLITE))
        .hasMessageContaining("unknown expansion %x");
    assertThatThrownBy(() -> QueryTemplate.parse("SELECT 'a%'", SqlDialect.SQLITE))
        .hasMessageContaining("lone '%'");
    assertThatThrownBy(() -> QueryTemplate.parse("SELECT 'abc", SqlDialect.SQLITE))
        .hasMessageContaining("unterminated");
    assertThatThrownBy(() -> QueryTemplate.parse("SELECT \"%s\" FROM t", SqlDialect.POSTGRESQL))
        .hasMessageContaining("quoted identifier");
    assertThatThrownBy(() -> QueryTemplate.parse("SELECT E'%s'", SqlDialect.POSTGRESQL))
        .hasMessageContaining("E'...'");
    assertThatThrownBy(() -> QueryTemplate.parse("SELECT 1 WHERE k = ?", SqlDialect.MYSQL))
        .hasMessageContaining("bind markers");
    assertThatThrownBy(() -> QueryTemplate.parse("SELECT 1 WHERE k = $1", SqlDialect.POSTGRESQL))
        .hasMessageContaining("bind markers");
  }

  @Test
  void suppressionRules() {
    QueryTemplate user = QueryTemplate.parse("SELECT '%u'", SqlDialect.POSTGRESQL);
    assertThat(user.bind("@example.com")).isEmpty();
    assertThat(user.bind("plain").orElseThrow().params().getString(0)).isEqualTo("plain");
    QueryTemplate domain = QueryTemplate.parse("SELECT '%d'", SqlDialect.POSTGRESQL);
    assertThat(domain.bind("plain")).isEmpty();
    assertThat(domain.bind("user@")).isEmpty();
    QueryTemplate label = QueryTemplate.parse("SELECT %2", SqlDialect.POSTGRESQL);
    assertThat(label.bind("u@com")).isEmpty();
    assertThat(label.bind("u@.com")).isEmpty();
    assertThat(label.bind("u@a.b.com").orElseThrow().params().getString(0)).isEqualTo("b");
    // The last @ splits, as in Postfix.
    assertThat(domain.bind("a@b@c").orElseThrow().params().getString(0)).isEqualTo("c");
  }

  @Test
  void combinedStatementRenumbersPlaceholdersAndDropsSuppressedForms() {
    QueryTemplate t =
        QueryTemplate.parse("SELECT v FROM t WHERE u = '%u' AND d = '%d'", SqlDialect.POSTGRESQL);
    QueryTemplate.CombinedBinding b = t.bindAll(List.of("a+x@d", "a@d", "@d"));
    assertThat(b.keys()).containsExactly("a+x@d", "a@d");
    assertThat(b.sql())
        .isEqualTo(
            "SELECT 1 AS sockmapd_form, sockmapd_q1.* FROM (SELECT v FROM t WHERE u = $1 AND d ="
                + " $2) sockmapd_q1 UNION ALL SELECT 2 AS sockmapd_form, sockmapd_q2.* FROM"
                + " (SELECT v FROM t WHERE u = $3 AND d = $4) sockmapd_q2");
    assertThat(b.params().size()).isEqualTo(4);
  }

  @Test
  void keyFormsFollowPostfixOrder() {
    KeyPolicy all =
        new KeyPolicy(
            CaseFolding.UNICODE,
            CaseFolding.UNICODE,
            List.of(),
            "+-",
            List.of(FallbackKey.AT_DOMAIN, FallbackKey.USER, FallbackKey.USER_AT_DOMAIN));
    assertThat(all.forms("User+Ext@Example.COM"))
        .containsExactly(
            "user+ext@example.com", "user@example.com", "user+ext", "user", "@example.com");
    assertThat(all.forms("user@example.com"))
        .containsExactly("user@example.com", "user", "@example.com");
    assertThat(all.forms("+ext@d")).containsExactly("+ext@d", "+ext", "@d");
    assertThat(all.forms("postmaster@d")).containsExactly("postmaster@d", "postmaster", "@d");
    assertThat(all.forms("owner-list@d")).containsExactly("owner-list@d", "owner-list", "@d");
    assertThat(all.forms("plain")).containsExactly("plain");
    assertThat(all.forms("")).isEmpty();
    KeyPolicy exact =
        new KeyPolicy(
            CaseFolding.NONE,
            CaseFolding.UNICODE,
            List.of("Example.com"),
            "+",
            List.of(FallbackKey.values()));
    assertThat(exact.forms("A+b@EXAMPLE.com")).containsExactly("A+b@EXAMPLE.com", "A@EXAMPLE.com");
    assertThat(exact.forms("a@other.com")).isEmpty();
  }

  @Test
  void sqlScriptSplitsOutsideQuotes() {
    assertThat(
            SqlScript.split(
                "-- head\nCREATE TABLE t (a TEXT);\nINSERT INTO t VALUES ('x;y'); -- tail\n",
                SqlDialect.SQLITE))
        .containsExactly("-- head\nCREATE TABLE t (a TEXT)", "INSERT INTO t VALUES ('x;y')");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT g FROM a WHERE k = '%s' ORDER BY g | true",
        "select g from a where k = '%s' order  by g | true",
        "SELECT g FROM a WHERE k = '%s order by %d' | false", // in a key literal
        "SELECT border_by FROM a WHERE k = '%s' | false",
        // Literals without expansions, identifiers and comments order nothing either.
        "SELECT g FROM a WHERE k = '%s' AND n <> 'order by' | false",
        "SELECT `order by` FROM a WHERE k = '%s' | false",
        "SELECT g FROM a WHERE k = '%s' /* order by g */ | false",
        "SELECT g FROM a WHERE k = '%s' -- order by g | false",
        "SELECT g FROM a WHERE k = '%s' # order by g | false",
        "SELECT g FROM a WHERE k = '%s' /* x */ ORDER /* y */ BY g | true",
        "SELECT g FROM a WHERE k = '%s' -- newest first | false"
      })
  void ordersRowsSeesOrderByInTheQueryButNotInItsKeyLiterals(String query, boolean orders) {
    assertThat(QueryTemplate.parse(query, SqlDialect.MYSQL).ordersRows()).isEqualTo(orders);
  }

  @Test
  void lineCommentsBecomeASpaceSoTheQueryCanBeWrapped() {
    assertStatement(
        SqlDialect.POSTGRESQL,
        "SELECT g FROM a WHERE k = '%s' -- active only",
        "SELECT g FROM a WHERE k = $1");
    assertStatement(
        SqlDialect.POSTGRESQL,
        "SELECT g FROM a -- aliases\nWHERE k = '%s'",
        "SELECT g FROM a  \nWHERE k = $1");
    assertStatement(
        SqlDialect.POSTGRESQL,
        "SELECT g FROM a WHERE k = '%s'; -- done\n",
        "SELECT g FROM a WHERE k = $1");
    // PostgreSQL ends a line comment at a CR too.
    assertStatement(
        SqlDialect.POSTGRESQL,
        "SELECT g FROM a WHERE k = '%s' -- a\r AND 1 = 1",
        "SELECT g FROM a WHERE k = $1  \r AND 1 = 1");
    assertStatement(
        SqlDialect.MYSQL,
        "SELECT g FROM a WHERE k = '%s' # active only",
        "SELECT g FROM a WHERE k = ?");
    assertStatement(
        SqlDialect.MYSQL,
        "SELECT g FROM a WHERE k = '%s' -- active only",
        "SELECT g FROM a WHERE k = ?");
    assertStatement(
        SqlDialect.MYSQL, "SELECT g FROM a WHERE k = '%s' --\n;\n", "SELECT g FROM a WHERE k = ?");
    assertStatement(
        SqlDialect.SQLITE,
        "SELECT g FROM a WHERE k = '%s' --active only",
        "SELECT g FROM a WHERE k = ?");
  }

  private static void assertStatement(SqlDialect dialect, String query, String statement) {
    QueryTemplate template = QueryTemplate.parse(query, dialect);
    assertThat(template.sql()).as(query).isEqualTo(statement);
    assertThat(template.combinedSql(2)).as(query).doesNotContain("--").doesNotContain("#");
    assertThat(template.taggedSql(3)).as(query).endsWith(") sockmapd_q3");
  }

  @Test
  void blockCommentsStayAndEndWhereTheEngineEndsThem() {
    // MySQL runs /*! ... */ and /*M! ... */; optimizer hints live in comments too.
    assertThat(
            QueryTemplate.parse(
                    "SELECT /*+ MAX_EXECUTION_TIME(100) */ g FROM a WHERE k = '%s'",
                    SqlDialect.MYSQL)
                .sql())
        .isEqualTo("SELECT /*+ MAX_EXECUTION_TIME(100) */ g FROM a WHERE k = ?");
    // PostgreSQL's block comments nest; a quote inside does not open a literal.
    assertThat(
            QueryTemplate.parse(
                    "SELECT g /* a /* b' */ c' */ FROM a WHERE k = '%s'", SqlDialect.POSTGRESQL)
                .sql())
        .isEqualTo("SELECT g /* a /* b' */ c' */ FROM a WHERE k = $1");
    // MySQL wants a space after --: 5--1 is arithmetic, not a comment.
    assertThat(QueryTemplate.parse("SELECT 5--1 FROM a WHERE k = '%s'", SqlDialect.MYSQL).sql())
        .isEqualTo("SELECT 5--1 FROM a WHERE k = ?");
    assertThatThrownBy(
            () -> QueryTemplate.parse("SELECT g FROM a WHERE k = '%s' -- %s", SqlDialect.MYSQL))
        .hasMessageContaining("a comment");
  }

  @Test
  void taggedSqlHasOneTaggedCopyPerForm() {
    QueryTemplate template =
        QueryTemplate.parse("SELECT g FROM a WHERE k = '%s'", SqlDialect.MYSQL);
    assertThat(template.taggedSql(1))
        .isEqualTo(
            "SELECT 1 AS sockmapd_form, sockmapd_q1.* FROM (SELECT g FROM a WHERE k = ?) sockmapd_q1");
    assertThat(template.taggedSql(7).split(" UNION ALL ")).hasSize(7);
    assertThat(template.taggedSql(7))
        .contains("SELECT 7 AS sockmapd_form")
        .doesNotContain("SELECT 8");
    assertThat(template.taggedSql(3)).isEqualTo(template.combinedSql(3));
  }
}
