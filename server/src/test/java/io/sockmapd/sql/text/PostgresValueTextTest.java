package io.sockmapd.sql.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.DatabaseType;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.TestDatabase;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL's own text output is the oracle: each value is selected through a prepared statement
 * (binary results, as sockmapd's lookups run) next to {@code format('%s', value)}, which applies
 * the type's output function, the text libpq (and so Postfix) receives, on the same connection; the
 * rendering of the first must equal the second. ({@code value::text} is not the oracle: for {@code
 * bool}, {@code char(n)} and {@code inet} the cast differs from the output function.)
 */
class PostgresValueTextTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  /** SQL expressions, each with its type, and the edge values of that type. */
  static final List<String> VALUES =
      List.of(
          "true",
          "false",
          "(-32768)::int2",
          "(-2147483648)::int4",
          "9223372036854775807::int8",
          // float8: shortest round-trip digits, plain for exponents -4..14
          "0.1::float8",
          "1e100::float8",
          "(-1e-100)::float8",
          "1e15::float8",
          "1e14::float8",
          "123456789012345678::float8",
          "0.0001::float8",
          "0.00001::float8",
          "'NaN'::float8",
          "'Infinity'::float8",
          "'-Infinity'::float8",
          "'-0'::float8",
          "5e-324::float8",
          "1.7976931348623157e308::float8",
          "2.2250738585072014e-308::float8",
          "(1/3.0)::float8",
          "2.82879384806159e17::float8",
          "1e23::float8",
          "9007199254740993::float8",
          // float4
          "0.1::float4",
          "1e6::float4",
          "1e5::float4",
          "123456.7::float4",
          "3.4028235e38::float4",
          "1.4e-45::float4",
          "'NaN'::float4",
          "'-Infinity'::float4",
          "0.33333334::float4",
          "16777217::float4",
          "(-0.0001)::float4",
          // numeric keeps its scale
          "1.50::numeric",
          "(-0.000100)::numeric",
          "1e30::numeric",
          "0::numeric",
          "'NaN'::numeric",
          "123456789012345678901234567890.123456789::numeric",
          "1234.56::money",
          "(-1234567.89)::money",
          "0::money",
          "'a b\nc'::text",
          "'x'::varchar(10)",
          "'ab'::char(5)",
          "'c'::\"char\"",
          "'pg_class'::name",
          "'\\x00ff41'::bytea",
          "''::bytea",
          // date and time, DateStyle ISO
          "'2024-01-02'::date",
          "'0044-03-15 BC'::date",
          "'infinity'::date",
          "'-infinity'::date",
          "'03:04:05.1234'::time",
          "'00:00:00'::time",
          "'03:04:05+02'::timetz",
          "'03:04:05.5-05:30'::timetz",
          "'2024-01-02 03:04:05'::timestamp",
          "'2024-01-02 03:04:05.120'::timestamp",
          "'2024-01-02 03:04:05.000001'::timestamp",
          "'0044-03-15 12:00:00 BC'::timestamp",
          "'infinity'::timestamp",
          "'-infinity'::timestamp",
          "'2024-07-02 03:04:05.5+02'::timestamptz",
          "'2024-01-02 03:04:05+00'::timestamptz",
          "'1850-01-01 00:00:00+00'::timestamptz",
          "'0044-03-15 12:00:00+00 BC'::timestamptz",
          "'infinity'::timestamptz",
          "'-infinity'::timestamptz",
          // interval, IntervalStyle postgres
          "'1 year 2 mons 3 days 04:05:06.789'::interval",
          "'-1 days +02:00'::interval",
          "'-3 hours'::interval",
          "'0'::interval",
          "'1 mon -1 day'::interval",
          "'-1 year -2 mons'::interval",
          "'-1 year +2 mons'::interval",
          "'-1 days -23:59:59'::interval",
          "'-00:00:00.5'::interval",
          "'1 day -00:00:01'::interval",
          "'1 mon'::interval",
          "'1 day'::interval",
          "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid",
          // network
          "'10.0.0.1/8'::inet",
          "'10.0.0.1'::inet",
          "'10.0.0.1/32'::inet",
          "'::1'::inet",
          "'2001:db8::1/64'::inet",
          "'2001:db8:0:0:1:0:0:1'::inet",
          "'2001:0:0:1::'::inet",
          "'fe80::'::inet",
          "'1:2:3:4:5:6:7:8'::inet",
          "'10.0.0.0/8'::cidr",
          "'10.1.2.3/32'::cidr",
          "'2001:db8::/32'::cidr",
          // json
          "'{\"b\": [1, 2.5, \"x\\\"y\", true, null], \"a\": {}}'::jsonb",
          "'[]'::jsonb",
          "'{\"k\": \"tab\\tnl\\n\"}'::jsonb",
          "'{\"big\": 1e100, \"small\": 1.5}'::jsonb",
          // geometry
          "'(1.5,-2)'::point",
          "'{1,-1,0.5}'::line",
          "'[(0,0),(1,1.5)]'::lseg",
          "'(1,1),(0,0)'::box",
          "'[(0,0),(1,1),(2,0)]'::path",
          "'((0,0),(1,1),(2,0))'::path",
          "'((0,0),(1,1),(2,0))'::polygon",
          "'<(1,2),3.5>'::circle",
          // arrays: quoting of empty, NULL, specials, spaces
          "'{a,b}'::text[]",
          "'{}'::text[]",
          "ARRAY[NULL, '', 'null', 'NULL', 'a b', 'a,b', 'q\"', 'back\\slash', '{x}', 'tab\t']",
          "ARRAY[1, NULL, -3]::int4[]",
          "ARRAY[1.5, 'NaN', '-Infinity', 1e100]::float8[]",
          "ARRAY[true, false, NULL]",
          "ARRAY['2024-01-02', '0044-03-15 BC']::date[]",
          "ARRAY['2024-01-02 03:04:05', NULL]::timestamp[]",
          "ARRAY['\\x41'::bytea, '\\x']",
          "ARRAY['10.0.0.1/8', '::1']::inet[]",
          "ARRAY['(1,1),(0,0)', '(2,2),(1,1)']::box[]",
          "ARRAY[1.50, NULL]::numeric[]",
          "ARRAY['1 day -01:00', '0']::interval[]",
          "ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']::uuid[]",
          "ARRAY['03:04:05+02']::timetz[]",
          "ARRAY['1.5']::money[]",
          // types the client does not decode arrive as the server's text
          "'a:1 b:2'::tsvector",
          "'[1,5)'::int4range");

  @Test
  void everyTypeRendersAsTheServersTextOutput() {
    assertRendersAsServer(DBS.get(DatabaseType.POSTGRESQL), "UTC", VALUES);
  }

  /** sockmapd's sessions run in the zone timestamptz values are rendered in. */
  @Test
  void sessionsRunInTheZoneTimestamptzIsRenderedIn() {
    assertThat(DBS.get(DatabaseType.POSTGRESQL).queryValue("SHOW TimeZone"))
        .isEqualTo(PostgresValueText.sessionTimeZone().getId());
  }

  /**
   * timestamptz and timetz in a zone with a half-hour offset, summer time and, before 1935, a local
   * mean time offset with seconds.
   */
  @Test
  void timestamptzRendersInTheSessionTimeZone() {
    assertRendersAsServer(
        DBS.get(DatabaseType.POSTGRESQL),
        "America/St_Johns",
        List.of(
            "'2024-07-02 03:04:05.5+02'::timestamptz",
            "'2024-01-02 03:04:05+00'::timestamptz",
            "'1900-01-01 00:00:00+00'::timestamptz",
            "'0044-03-15 12:00:00+00 BC'::timestamptz",
            "ARRAY['2024-01-02 03:04:05+00']::timestamptz[]",
            "'03:04:05-03:30'::timetz"));
  }

  private static void assertRendersAsServer(TestDatabase db, String zone, List<String> values) {
    ValueText text = new PostgresValueText(ZoneId.of(zone));
    List<Row> rows =
        db.withConnection(
            connection ->
                connection
                    .query("SET TimeZone = '" + zone + "'")
                    .execute()
                    .compose(
                        set -> {
                          List<io.vertx.core.Future<Row>> each = new ArrayList<>();
                          for (String value : values) {
                            each.add(
                                connection
                                    .preparedQuery(
                                        "SELECT " + value + ", format('%s', " + value + ")")
                                    .execute(Tuple.tuple())
                                    .map(r -> r.iterator().next())
                                    .recover(
                                        e ->
                                            io.vertx.core.Future.succeededFuture(
                                                Row.class.cast(null))));
                          }
                          return io.vertx.core.Future.all(each).map(all -> all.<Row>list());
                        })
                    // The connection goes back to the pool: back to its startup zone.
                    .eventually(() -> connection.query("RESET TimeZone").execute()));
    SoftAssertions softly = new SoftAssertions();
    for (int i = 0; i < values.size(); i++) {
      Row row = rows.get(i);
      if (row == null) {
        softly.fail("%s: the client could not decode it", values.get(i));
        continue;
      }
      Object decoded = row.getValue(0);
      softly
          .assertThat(text.text(decoded))
          .as(
              "%s (decoded as %s)",
              values.get(i), decoded == null ? "null" : decoded.getClass().getName())
          .isEqualTo(row.getString(1));
    }
    softly.assertAll();
  }
}
