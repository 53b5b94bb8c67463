package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.Daemon;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.sql.text.PostgresValueText;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.Postmap;
import io.sockmapd.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values of every column type reach Postfix as its own SQL table would show them: for each engine,
 * a table holds one value per row (the other columns NULL), real Postfix asks it natively ({@code
 * postmap -q - pgsql:FILE.cf}, which reads libpq's / libmysqlclient's text results and SQLite's
 * {@code sqlite3_column_text}) and through sockmapd (a socketmap on {@code sockmapd import} of the
 * same file), and every key's answer must be the same.
 *
 * <p>Values are ASCII: before 3.8, Postfix's pgsql table talks LATIN1 (see {@link
 * PostfixDifferentialTest}). Where sockmapd knowingly differs (docs/configuration.md, "Deliberate
 * differences from Postfix") the value is left out here and covered by the engine's own ValueText
 * test.
 */
class PostfixValueTextDifferentialTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path temp;
  private static Postmap postmap;
  private Daemon daemon;

  @BeforeAll
  static void postfix() throws IOException {
    Path conf = Files.createDirectories(temp.resolve("postfix"));
    postmap = Postmap.require(conf, Postmap.MAIN_CF, "pgsql", "mysql", "sqlite");
  }

  @AfterEach
  void stopDaemon() {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void postgresqlValuesAnswerAsTheNativeTable() throws Exception {
    TestDatabase db = DBS.get(DatabaseType.POSTGRESQL);
    Map<String, List<String>> values = new LinkedHashMap<>();
    values.put("boolean", List.of("true", "false"));
    values.put("int8", List.of("-9223372036854775808"));
    values.put(
        "float8",
        List.of(
            "0.1",
            "1e100",
            "-1e-100",
            "1e15",
            "1e14",
            "0.0001",
            "0.00001",
            "'NaN'",
            "'Infinity'",
            "'-Infinity'",
            "'-0'",
            "1e23",
            "2.82879384806159e17",
            "5e-324"));
    values.put("float4", List.of("0.1", "1e6", "1e5", "0.33333334", "'-Infinity'"));
    values.put("numeric", List.of("1.50", "-0.000100", "1e30", "'NaN'"));
    values.put("money", List.of("1234.56", "-1234567.89"));
    values.put("char(5)", List.of("'ab'"));
    values.put("bytea", List.of("'\\x00ff41'"));
    values.put("date", List.of("'2024-01-02'", "'0044-03-15 BC'", "'infinity'"));
    values.put("time", List.of("'03:04:05.1234'", "'00:00:00'"));
    values.put("timetz", List.of("'03:04:05+02'", "'03:04:05.5-05:30'"));
    values.put(
        "timestamp",
        List.of(
            "'2024-01-02 03:04:05'",
            "'2024-01-02 03:04:05.120'",
            "'0044-03-15 12:00:00 BC'",
            "'-infinity'"));
    if (serverZoneIsSessionZone(db)) {
      values.put(
          "timestamptz",
          List.of("'2024-07-02 03:04:05.5+02'", "'1850-01-01 00:00:00+00'", "'infinity'"));
    }
    values.put(
        "interval",
        List.of(
            "'1 year 2 mons 3 days 04:05:06.789'",
            "'-1 days +02:00'",
            "'1 mon -1 day'",
            "'-1 year +2 mons'",
            "'0'"));
    values.put("uuid", List.of("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"));
    values.put("inet", List.of("'10.0.0.1/8'", "'10.0.0.1'", "'2001:db8::1/64'", "'::1'"));
    values.put("cidr", List.of("'10.0.0.0/8'", "'2001:db8::/32'"));
    values.put("jsonb", List.of("'{\"b\": [1, 2.5, \"x\"], \"a\": null}'"));
    values.put("point", List.of("'(1.5,-2)'"));
    values.put("box", List.of("'(1,1),(0,0)'"));
    values.put("circle", List.of("'<(1,2),3.5>'"));
    values.put(
        "text[]",
        List.of(
            "'{a,b}'",
            "'{}'",
            "ARRAY[NULL, '', 'null', 'a b', 'a,b', 'q\"', 'back\\slash', '{x}']"));
    values.put("int4[]", List.of("ARRAY[1, NULL, -3]"));
    values.put("timestamp[]", List.of("ARRAY['2024-01-02 03:04:05'::timestamp]"));
    values.put("box[]", List.of("ARRAY['(1,1),(0,0)'::box, '(2,2),(1,1)']"));
    compare(db, "pgsql", values);
  }

  @Test
  void mysqlValuesAnswerAsTheNativeTable() throws Exception {
    Map<String, List<String>> values = new LinkedHashMap<>();
    values.put(
        "DOUBLE",
        List.of("0.1", "1e23", "1e15", "1.5e15", "1.2345678901234568e15", "1e-15", "1.5e-16"));
    values.put("FLOAT", List.of("0.1", "123456789", "1.17549435e-38", "12345.678", "1e15"));
    values.put("DECIMAL(30,6)", List.of("-1.5"));
    values.put("DATETIME", List.of("'2024-01-02 03:04:05'"));
    values.put("DATETIME(6)", List.of("'2024-01-02 03:04:05.123456'"));
    values.put("TIMESTAMP NULL", List.of("'2024-01-02 03:04:05'"));
    values.put("DATE", List.of("'2024-01-02'"));
    values.put("TIME", List.of("'-838:59:59'", "'12:34:56'", "'-00:00:01'"));
    values.put("YEAR", List.of("2024"));
    values.put("ENUM('a','b c')", List.of("'b c'"));
    values.put("SET('x','y')", List.of("'x,y'"));
    values.put("BLOB", List.of("'abc'"));
    values.put("JSON", List.of("'{\"a\": [1, 2.50, \"x\"]}'"));
    values.put("BOOLEAN", List.of("true"));
    values.put("BIGINT UNSIGNED", List.of("18446744073709551615"));
    compare(DBS.get(DatabaseType.MYSQL), "mysql", values);
  }

  /**
   * Postfix's sqlite table reads only the first column, and SQLite keeps each value's own storage
   * class in a column declared without a type: one such column holds integers, reals, text and
   * blobs. Reals are those of at most seven significant digits within a float's range: the JDBC
   * client hands REAL values over as floats (README).
   */
  @Test
  void sqliteValuesAnswerAsTheNativeTable() throws Exception {
    Map<String, List<String>> values = new LinkedHashMap<>();
    values.put(
        "",
        List.of(
            "1",
            "-9223372036854775808",
            "0.1",
            "1.0",
            "100.0",
            "1e20",
            "1e15",
            "1e14",
            "123456.7",
            "0.0001",
            "0.00001",
            "-2.5e-30",
            "'a, b'",
            "x'414243'"));
    compare(DBS.get(DatabaseType.SQLITE), "sqlite", values);
  }

  /** True when the server's default TimeZone (Postfix's session) is sockmapd's session zone. */
  private static boolean serverZoneIsSessionZone(TestDatabase db) {
    String serverZone = String.valueOf(db.queryValue("SHOW TimeZone"));
    ZoneId session = PostgresValueText.sessionTimeZone();
    ZoneId server = ZoneId.of(serverZone);
    Instant probe = Instant.parse("2024-07-02T00:00:00Z");
    return server.getRules().getOffset(probe).equals(session.getRules().getOffset(probe))
        && server
            .getRules()
            .getOffset(Instant.parse("2024-01-02T00:00:00Z"))
            .equals(session.getRules().getOffset(Instant.parse("2024-01-02T00:00:00Z")));
  }

  /**
   * Builds the table (column type → values; one row each, key {@code v<N>}), the .cf file and
   * sockmapd on its import, then compares postmap's answers key by key.
   */
  private void compare(TestDatabase db, String postfixType, Map<String, List<String>> values)
      throws Exception {
    List<String> types = new ArrayList<>(values.keySet());
    StringBuilder schema = new StringBuilder("CREATE TABLE typed (k VARCHAR(16) NOT NULL");
    StringBuilder columns = new StringBuilder();
    for (int i = 0; i < types.size(); i++) {
      schema.append(", c").append(i).append(' ').append(types.get(i));
      columns.append(i == 0 ? "" : ", ").append('c').append(i);
    }
    db.execute(schema.append(");").toString());
    List<String> keys = new ArrayList<>();
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < types.size(); i++) {
      for (String value : values.get(types.get(i))) {
        String key = "v" + keys.size();
        keys.add(key);
        labels.put(key, types.get(i) + " " + value);
        db.execute("INSERT INTO typed (k, c" + i + ") VALUES ('" + key + "', " + value + ");");
      }
    }
    Path folder = Files.createDirectories(temp.resolve(postfixType));
    Path cf = folder.resolve("typed.cf");
    Files.writeString(
        cf,
        Postmap.connectionLines(db.config())
            + "query = SELECT "
            + columns
            + " FROM typed WHERE k = '%s'\n");
    Path config = folder.resolve("sockmapd.json");
    Files.writeString(config, importConfig(postfixType, cf));
    daemon = Examples.startDaemon(config);

    Postmap.Run nativeRun = postmap.queryBatch(keys, postfixType + ":" + cf);
    assertThat(nativeRun.stderr()).as("native table").doesNotContain("fatal");
    Postmap.Run socketmapRun =
        postmap.queryBatch(keys, "socketmap:inet:127.0.0.1:" + daemon.server().port() + ":typed");
    assertThat(socketmapRun.stderr()).as("socketmap").doesNotContain("fatal");

    Map<String, String> expected = answers(nativeRun.stdout());
    Map<String, String> actual = answers(socketmapRun.stdout());
    assertThat(expected).as("the native table answers every key").hasSize(keys.size());
    SoftAssertions softly = new SoftAssertions();
    for (String key : keys) {
      softly.assertThat(actual.get(key)).as(labels.get(key)).isEqualTo(expected.get(key));
    }
    softly.assertAll();
  }

  /** {@code key<TAB>value} lines of {@code postmap -q -}. */
  private static Map<String, String> answers(String stdout) {
    Map<String, String> answers = new LinkedHashMap<>();
    for (String line : stdout.lines().toList()) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        answers.put(line.substring(0, tab), line.substring(tab + 1));
      }
    }
    return answers;
  }

  /** {@code sockmapd import} of the file, listening on a free port. */
  private static String importConfig(String postfixType, Path cf) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        io.sockmapd.cli.Main.execute(
            new String[] {
              "import",
              "--main-cf",
              postmap.configDirectory().resolve("main.cf").toString(),
              postfixType + ":" + cf
            },
            io.sockmapd.cli.Backends.DEFAULT,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as("sockmapd import: %s", err.toString(StandardCharsets.UTF_8)).isZero();
    ObjectNode root = (ObjectNode) JSON.readTree(out.toString(StandardCharsets.UTF_8));
    root.putArray("listen").add("inet:127.0.0.1:0");
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }
}
