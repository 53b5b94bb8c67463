package io.sockmapd.sql.text;

import io.sockmapd.config.DatabaseType;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MariaDB's text protocol is the oracle: each value is stored in a column of its type and selected
 * through a prepared statement (the binary protocol, as sockmapd's lookups run) next to {@code
 * CAST(column AS CHAR)}, which gives the same text the text protocol (libmysqlclient, Postfix)
 * sends for that column.
 */
class MysqlValueTextTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  /** Column type → SQL literals stored in it. */
  static final Map<String, List<String>> VALUES = values();

  private static Map<String, List<String>> values() {
    Map<String, List<String>> values = new LinkedHashMap<>();
    values.put(
        "DOUBLE",
        List.of(
            "0.1",
            "1e23",
            "1e15",
            "1e14",
            "1.5e15",
            "1.2345678901234568e15",
            "1e16",
            "12345678901234567",
            "123456789012345.6",
            "1e-15",
            "1.25e-15",
            "1.5e-16",
            "-2.5",
            "1.7976931348623157e308",
            "2.2250738585072014e-308",
            "0",
            "1/3",
            "0.0001"));
    values.put(
        "FLOAT",
        List.of(
            "0.1",
            "1e20",
            "123456789",
            "1.17549435e-38",
            "0.33333334",
            "12345.678",
            "1e15",
            "1e14",
            "999999.5",
            "-0.0001",
            "3.4e38",
            "1.5e-15",
            "1e-16",
            "16777217",
            "0"));
    values.put(
        "DECIMAL(30,6)", List.of("1.5", "-0.000001", "0", "123456789012345678901234.123456"));
    values.put("DECIMAL(5,0)", List.of("-12345", "0"));
    values.put(
        "DATETIME",
        List.of("'2024-01-02 03:04:05'", "'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'"));
    values.put("DATETIME(6)", List.of("'2024-01-02 03:04:05.123456'"));
    values.put("TIMESTAMP NULL", List.of("'2024-01-02 03:04:05'"));
    values.put("DATE", List.of("'2024-01-02'", "'0001-01-01'"));
    values.put(
        "TIME",
        List.of(
            "'-838:59:59'",
            "'838:59:59'",
            "'00:00:00'",
            "'-00:00:01'",
            "'12:34:56'",
            "'100:00:00'"));
    values.put("TIME(6)", List.of("'-01:02:03.456789'"));
    values.put("YEAR", List.of("2024", "1901", "2155"));
    values.put("ENUM('a','b c')", List.of("'b c'"));
    values.put("SET('x','y')", List.of("'x,y'", "''"));
    values.put("BLOB", List.of("'abc'", "x'41'"));
    values.put("TEXT", List.of("'a, b\\nc'", "'jöhn'"));
    values.put("JSON", List.of("'{\"a\": [1, 2.50, \"x\"]}'"));
    values.put("TINYINT", List.of("-128", "127"));
    values.put("BOOLEAN", List.of("true", "false"));
    values.put("SMALLINT UNSIGNED", List.of("65535"));
    values.put("MEDIUMINT", List.of("-8388608"));
    values.put("INT UNSIGNED", List.of("4294967295"));
    values.put("BIGINT", List.of("-9223372036854775808"));
    values.put("BIGINT UNSIGNED", List.of("18446744073709551615"));
    return values;
  }

  @Test
  void everyTypeRendersAsTheTextProtocol() {
    TestDatabase db = DBS.get(DatabaseType.MYSQL);
    StringBuilder schema = new StringBuilder("CREATE TABLE typed (id INT PRIMARY KEY");
    List<String> columns = new ArrayList<>(VALUES.keySet());
    for (int i = 0; i < columns.size(); i++) {
      schema.append(", c").append(i).append(' ').append(columns.get(i));
    }
    db.execute(schema.append(");").toString());
    List<String> labels = new ArrayList<>();
    List<String> queries = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      for (String value : VALUES.get(columns.get(i))) {
        int id = labels.size();
        db.execute("INSERT INTO typed (id, c" + i + ") VALUES (" + id + ", " + value + ");");
        labels.add(columns.get(i) + " " + value);
        queries.add("SELECT c" + i + ", CAST(c" + i + " AS CHAR) FROM typed WHERE id = " + id);
      }
    }
    List<Row> rows =
        db.withConnection(
            connection -> {
              List<Future<Row>> each = new ArrayList<>();
              for (String query : queries) {
                each.add(
                    connection
                        .preparedQuery(query)
                        .execute(Tuple.tuple())
                        .map(r -> r.iterator().next()));
              }
              return Future.all(each).map(all -> all.<Row>list());
            });
    ValueText text = new MysqlValueText();
    SoftAssertions softly = new SoftAssertions();
    for (int i = 0; i < rows.size(); i++) {
      Object decoded = rows.get(i).getValue(0);
      softly
          .assertThat(text.text(decoded))
          .as(
              "%s (decoded as %s)",
              labels.get(i), decoded == null ? "null" : decoded.getClass().getName())
          .isEqualTo(rows.get(i).getString(1));
    }
    softly.assertAll();
  }
}
