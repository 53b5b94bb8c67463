package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableQueryTest {
  @TempDir Path dir;

  @Test
  void identifiersArePlainOrSchemaQualifiedNames() {
    assertThat(TableQuery.identifierProblem("alias")).isNull();
    assertThat(TableQuery.identifierProblem("_x9.Y_1")).isNull();
    for (String bad :
        List.of("", "9a", "a.b.c", "a b", "a;b", "a'--", "\"a\"", "`a`", "a-b", "a.", "ä")) {
      assertThat(TableQuery.identifierProblem(bad)).as(bad).isNotNull();
    }
  }

  @Test
  void buildRefusesNamesThatWereNotValidated() {
    assertThatThrownBy(() -> TableQuery.build("t; DROP TABLE t", "k", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TableQuery.build("t", "k", null, "r"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Runs the generated queries on the SQLite bundled with sqlite-jdbc (CONCAT_WS needs 3.44), with
   * the key bound where the SQL layer binds {@code '%s'}: the data part must be what
   * ezplanet/sockmapd answers, value plus " reason" unless the reason is NULL or empty.
   */
  @Test
  void generatedQueriesAnswerEzplanetsDataOnSqlite() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE bw (name TEXT PRIMARY KEY, status TEXT, reason TEXT)");
      s.execute(
          "INSERT INTO bw VALUES ('spam@x', 'REJECT', 'Sender identified as spammer'),"
              + " ('null@x', 'OK', NULL), ('empty@x', 'DISCARD', '')");

      String withReason = TableQuery.build("bw", "name", "status", "reason");
      assertThat(run(c, withReason, "spam@x"))
          .containsExactly("REJECT Sender identified as spammer");
      assertThat(run(c, withReason, "null@x")).containsExactly("OK");
      assertThat(run(c, withReason, "empty@x")).containsExactly("DISCARD");
      assertThat(run(c, withReason, "nobody@x")).isEmpty();
      assertThat(run(c, withReason, "x' OR '1'='1")).isEmpty();

      assertThat(run(c, TableQuery.build("bw", "name", "status", null), "spam@x"))
          .containsExactly("REJECT");
      assertThat(run(c, TableQuery.build("bw", "name", null, null), "spam@x"))
          .containsExactly("spam@x");
    }
  }

  private static List<String> run(Connection c, String query, String key) throws SQLException {
    assertThat(query).containsOnlyOnce("'%s'");
    List<String> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(query.replace("'%s'", "?"))) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
    }
    return rows;
  }
}
